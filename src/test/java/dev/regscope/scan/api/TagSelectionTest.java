package dev.regscope.scan.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TagSelectionTest {
  private static final List<String> LISTED =
      List.of(
          "1.10.0",
          "1.2.0",
          "1.9.3",
          "2.0.0-rc.1",
          "2.0.0-rc.10",
          "2.0.0-rc.2",
          "latest",
          "v2.0.0");

  @Test
  void includeAndExcludeMatchWholeNames() {
    TagSelection selection =
        new TagSelection(
            Optional.of(Pattern.compile("v?\\d+\\..*")),
            Optional.of(Pattern.compile(".*-rc\\..*")),
            OptionalInt.empty(),
            TagSelection.Order.REGISTRY);
    assertThat(selection.select(LISTED)).containsExactly("1.10.0", "1.2.0", "1.9.3", "v2.0.0");
    assertThat(TagSelection.ALL.select(LISTED)).isEqualTo(LISTED);
  }

  @Test
  void keepByRegistryOrderTakesTheLastListed() {
    TagSelection selection =
        new TagSelection(
            Optional.empty(), Optional.empty(), OptionalInt.of(2), TagSelection.Order.REGISTRY);
    assertThat(selection.select(LISTED)).containsExactly("latest", "v2.0.0");
  }

  @Test
  void keepBySemverTakesTheHighestVersionsAndDropsOtherTags() {
    TagSelection selection =
        new TagSelection(
            Optional.empty(), Optional.empty(), OptionalInt.of(4), TagSelection.Order.SEMVER);
    // 2.0.0 > 2.0.0-rc.10 > 2.0.0-rc.2 > 2.0.0-rc.1 > 1.10.0 > 1.9.3 > 1.2.0; "latest" is no
    // version. The result keeps the registry's order.
    assertThat(selection.select(LISTED))
        .containsExactly("2.0.0-rc.1", "2.0.0-rc.10", "2.0.0-rc.2", "v2.0.0");
    TagSelection three =
        new TagSelection(
            Optional.empty(), Optional.empty(), OptionalInt.of(3), TagSelection.Order.SEMVER);
    assertThat(three.select(List.of("1.2.0", "1.10.0", "1.9.3", "0.1.0")))
        .containsExactly("1.2.0", "1.10.0", "1.9.3");
  }

  @Test
  void semverPrecedenceFollowsTheSpecification() {
    List<String> ordered =
        List.of(
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0");
    for (int i = 1; i < ordered.size(); i++) {
      assertThat(SemVer.parse(ordered.get(i - 1)).orElseThrow())
          .as(ordered.get(i - 1) + " < " + ordered.get(i))
          .isLessThan(SemVer.parse(ordered.get(i)).orElseThrow());
    }
    assertThat(SemVer.parse("1.2")).isEmpty();
    assertThat(SemVer.parse("01.2.3")).isEmpty();
    assertThat(SemVer.parse("1.2.3+build.7")).isPresent();
  }

  @Test
  void keepMustBePositive() {
    assertThatThrownBy(
            () ->
                new TagSelection(
                    Optional.empty(),
                    Optional.empty(),
                    OptionalInt.of(0),
                    TagSelection.Order.REGISTRY))
        .hasMessageContaining("keep");
  }
}
