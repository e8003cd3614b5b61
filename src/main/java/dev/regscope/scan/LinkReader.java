package dev.regscope.scan;

import dev.regscope.core.Damage;
import dev.regscope.core.Digest;
import dev.regscope.core.InvalidDigestException;
import dev.regscope.model.BrokenTag;
import dev.regscope.storage.FileTooLargeException;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import dev.regscope.storage.TreeReader.Entry;
import dev.regscope.storage.TreeReader.EntryFile;
import dev.regscope.storage.TreeReader.EntryType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a repository's tag links: the small files a scan reads most.
 *
 * <p>The registry writes a tag link in place (create or truncate, then write), so a scan can meet
 * one missing or empty for a moment while a push or retag writes it, or while a delete removes the
 * tag. Such a link is not damage yet: its repository is marked unsettled and read again after a
 * pause ({@link #takeUnsettled()}); only at the last look, or when the previous scan found the same
 * damage, does it count.
 */
final class LinkReader {
  private static final String[] CURRENT_LINK = {"current", "link"};

  /** A link file is 71 bytes; anything much larger is not a link. */
  private static final int MAX_LINK_BYTES = 1024;

  private final TreeReader reader;
  private final ScanProblems problems;
  private final Set<RepositoryDir> unsettled = ConcurrentHashMap.newKeySet();
  private final AtomicLong readAgain = new AtomicLong();
  private volatile boolean lastLook;

  LinkReader(TreeReader reader, ScanProblems problems) {
    this.reader = reader;
    this.problems = problems;
  }

  /**
   * The repositories whose tag links looked mid-write since the last call; their contents read
   * meanwhile are incomplete and must be read again.
   */
  Set<RepositoryDir> takeUnsettled() {
    Set<RepositoryDir> taken = new HashSet<>(unsettled);
    unsettled.removeAll(taken);
    return taken;
  }

  /** From now on a link that looks damaged counts as damage: it was read again already. */
  void lastLook() {
    lastLook = true;
  }

  /** Tag links that looked mid-write and were left to be read again, in this scan. */
  long readAgain() {
    return readAgain.get();
  }

  RepositoryContents read(RepositoryDir repository) {
    if (!repository.hasManifests()) {
      // Only _layers: blobs were pushed but no manifest yet, an ordinary moment in a push.
      return new RepositoryContents(List.of(), List.of(), false, true);
    }
    List<TagLink> tags = new ArrayList<>();
    List<BrokenTag> broken = new ArrayList<>();
    Path tagsDir = StorageLayout.tagsDir(repository.path());
    boolean hasTagsFolder = true;
    boolean listed = true;
    try {
      for (EntryFile file : reader.listAndRead(tagsDir, CURRENT_LINK, MAX_LINK_BYTES)) {
        readTag(repository, tagsDir.resolve(file.entry().name()), file, tags, broken);
      }
    } catch (NoSuchFileException e) {
      hasTagsFolder = false;
      // No tags folder is no damage: the registry makes it with the first tag, so a repository
      // whose manifests were pushed by digest only (an index's children go first) has none.
      if (!reader.exists(repository.path())) {
        problems.add(
            repository.path(), Damage.VANISHED, "repository folder vanished during the scan");
      }
    } catch (IOException e) {
      listed = false;
      if (reader.isSymbolicLink(tagsDir)) {
        problems.add(tagsDir, Damage.SYMLINK, "tags folder is a symbolic link, not followed");
      } else {
        problems.add(
            tagsDir,
            Damage.READ_ERROR,
            "tags folder cannot be listed (" + LinkedDigests.describe(e) + ")");
      }
    }
    tags.sort((a, b) -> a.tag().compareTo(b.tag()));
    broken.sort((a, b) -> a.name().compareTo(b.name()));
    // A tag whose link could not be read may name any revision: what tags keep is then unknown.
    boolean complete =
        broken.stream()
            .noneMatch(
                b ->
                    b.reason() == Damage.READ_ERROR
                        || b.reason() == Damage.SYMLINK
                        || b.reason() == Damage.SPECIAL_FILE);
    return new RepositoryContents(tags, broken, hasTagsFolder, complete && listed);
  }

  private void readTag(
      RepositoryDir repository,
      Path tagDir,
      EntryFile file,
      List<TagLink> tags,
      List<BrokenTag> broken) {
    Entry entry = file.entry();
    String tag = entry.name();
    if (entry.type() == EntryType.SYMLINK) {
      problems.add(tagDir, Damage.SYMLINK, "tag folder is a symbolic link, not followed");
      broken.add(new BrokenTag(tag, Damage.SYMLINK));
      return;
    }
    if (entry.type() != EntryType.DIRECTORY) {
      unstatable(tagDir).ifPresent(broken::add);
      return; // not a tag folder, or one deleted since the listing
    }
    Path link = StorageLayout.currentLink(tagDir);
    try {
      if (file.failure() != null) {
        throw file.failure();
      }
      tags.add(new TagLink(tag, parseLink(file.content())));
    } catch (NoSuchFileException e) {
      if (!reader.exists(tagDir)) {
        return; // deleted since the listing, as a manifest delete removes its tags: not there
      }
      if (!settled(repository, link, Damage.MISSING_LINK)) {
        return;
      }
      problems.add(link, Damage.MISSING_LINK, "tag " + tag + " has no current link");
      broken.add(new BrokenTag(tag, Damage.MISSING_LINK));
    } catch (FileTooLargeException e) {
      problems.add(link, Damage.BAD_LINK, "link file is larger than " + MAX_LINK_BYTES + " bytes");
      broken.add(new BrokenTag(tag, Damage.BAD_LINK));
    } catch (InvalidDigestException e) {
      if (!settled(repository, link, Damage.BAD_LINK)) {
        return;
      }
      problems.add(link, Damage.BAD_LINK, "link file holds " + e.getMessage());
      broken.add(new BrokenTag(tag, Damage.BAD_LINK));
    } catch (IOException e) {
      Damage damage = ScanProblems.readDamage(reader, link, e);
      problems.add(
          ScanProblems.where(link, e), damage, "link file cannot be read (" + e.getMessage() + ")");
      broken.add(new BrokenTag(tag, damage));
    }
  }

  /**
   * Parses a link file: {@code sha256:<hex>}, tolerating surrounding whitespace that hand-made
   * trees carry.
   */
  static Digest parseLink(byte[] bytes) throws InvalidDigestException {
    return Digest.parse(new String(bytes, StandardCharsets.UTF_8).strip());
  }

  /**
   * Whether a tag broken by the registry's state, not by a damaged file (a revision link missing,
   * as a manifest delete leaves it for a moment before it removes the tag), counts now: at the last
   * look, or when the previous scan found it broken alike; otherwise its repository is read again.
   */
  boolean settledState(RepositoryDir repository, boolean brokenBefore) {
    if (lastLook || brokenBefore) {
      return true;
    }
    readAgain.incrementAndGet();
    unsettled.add(repository);
    return false;
  }

  /**
   * Whether a link that looks like {@code damage} counts now: at the last look, or when the
   * previous scan counted the same; otherwise its repository is left to be read again.
   */
  private boolean settled(RepositoryDir repository, Path link, Damage damage) {
    if (lastLook || problems.reportedBefore(link, damage)) {
      return true;
    }
    readAgain.incrementAndGet();
    unsettled.add(repository);
    return false;
  }

  /**
   * A tag folder whose type could not be read (its stat failed for a reason other than its absence)
   * is a broken tag and a problem, never a silent skip; a plain file or a vanished folder is none.
   */
  private Optional<BrokenTag> unstatable(Path tagDir) {
    try {
      reader.modifiedTime(tagDir);
      return Optional.empty();
    } catch (NoSuchFileException vanished) {
      return Optional.empty();
    } catch (IOException e) {
      problems.add(
          tagDir,
          Damage.READ_ERROR,
          "tag folder cannot be read (" + LinkedDigests.describe(e) + ")");
      return Optional.of(
          new BrokenTag(
              Objects.requireNonNull(tagDir.getFileName()).toString(), Damage.READ_ERROR));
    }
  }
}
