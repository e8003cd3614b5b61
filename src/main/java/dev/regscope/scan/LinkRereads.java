package dev.regscope.scan;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The second looks a scan takes at tag links it met mid-write: the registry writes a link in place
 * (creates {@code current/}, then the file, truncates it, writes the digest), in microseconds.
 */
final class LinkRereads {
  /**
   * Pauses before a repository whose tag links looked mid-write is read again; after the last, what
   * still looks damaged is damage.
   */
  static final List<Duration> PAUSES =
      List.of(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(1));

  private LinkRereads() {}

  /**
   * Reads again, after a pause, the repositories whose tag links looked mid-write, until none does
   * or the last pause has passed; their first reading is replaced.
   */
  static void run(
      LinkReader links,
      RepositoryScanner repositories,
      TaskGroup group,
      Map<Path, RepositoryScanner.Scanned> scanned)
      throws IOException {
    for (int round = 0; round < PAUSES.size(); round++) {
      Set<RepositoryDir> unsettled = links.takeUnsettled();
      if (unsettled.isEmpty()) {
        return;
      }
      if (round == PAUSES.size() - 1) {
        links.lastLook();
      }
      try {
        Thread.sleep(PAUSES.get(round).toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting to read tag links again");
      }
      for (RepositoryDir repository : unsettled) {
        group.submit(() -> scanned.put(repository.path(), repositories.scan(repository)));
      }
      group.await();
    }
  }
}
