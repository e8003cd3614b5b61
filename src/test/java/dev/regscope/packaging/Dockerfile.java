package dev.regscope.packaging;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The runtime stage of a Dockerfile as instructions, enough to check what the image exposes and
 * runs.
 */
final class Dockerfile {
  /** One instruction, continuation lines joined: {@code EXPOSE 8080} is ("EXPOSE", "8080"). */
  record Instruction(String keyword, String arguments) {}

  private final List<Instruction> finalStage;

  private Dockerfile(List<Instruction> finalStage) {
    this.finalStage = List.copyOf(finalStage);
  }

  /** Reads the instructions after the last FROM, dropping comments and blank lines. */
  static Dockerfile read(Path path) throws IOException {
    List<Instruction> stage = new ArrayList<>();
    StringBuilder pending = new StringBuilder();
    for (String line : Files.readAllLines(path)) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#")) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        pending.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      String whole = pending.append(trimmed).toString().strip();
      pending.setLength(0);
      if (whole.isEmpty()) {
        continue;
      }
      String[] parts = whole.split("\\s+", 2);
      String keyword = parts[0].toUpperCase();
      if (keyword.equals("FROM")) {
        stage.clear();
      }
      stage.add(new Instruction(keyword, parts.length > 1 ? parts[1].strip() : ""));
    }
    return new Dockerfile(stage);
  }

  List<Instruction> finalStage() {
    return finalStage;
  }

  /**
   * The arguments of the last such instruction, the one that takes effect for USER, ENTRYPOINT or
   * CMD.
   */
  Optional<String> last(String keyword) {
    return finalStage.stream()
        .filter(i -> i.keyword().equals(keyword))
        .reduce((first, second) -> second)
        .map(Instruction::arguments);
  }
}
