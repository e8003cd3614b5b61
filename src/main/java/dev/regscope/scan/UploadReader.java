package dev.regscope.scan;

import dev.regscope.model.UploadStats;
import dev.regscope.storage.StorageLayout;
import dev.regscope.storage.TreeReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Reads the uploads in progress of a repository folder: {@code _uploads/<uuid>/{data,startedat}}.
 */
final class UploadReader {
  private final TreeReader reader;

  UploadReader(TreeReader reader) {
    this.reader = reader;
  }

  /**
   * Counts upload folders holding {@code data} or {@code startedat}; a cancelled upload can leave a
   * folder with neither (only {@code hashstates/}), which is debris, not an upload. Null if there
   * is none.
   */
  UploadStats read(RepositoryDir repository) {
    Path uploads = StorageLayout.uploadsDir(repository.path());
    List<String> names;
    try {
      names = reader.names(uploads);
    } catch (IOException e) {
      return null;
    }
    int count = 0;
    long bytes = 0;
    Instant oldest = null;
    for (String name : names) {
      Path upload = uploads.resolve(name);
      boolean seen = false;
      try {
        bytes += reader.size(upload.resolve("data"));
        seen = true;
      } catch (IOException noData) {
        // not received anything yet, or debris
      }
      try {
        Instant started = startedAt(reader.read(upload.resolve("startedat"), 64));
        seen = true;
        if (started != null && (oldest == null || started.isBefore(oldest))) {
          oldest = started;
        }
      } catch (IOException noStart) {
        // debris of a cancelled upload
      }
      if (seen) {
        count++;
      }
    }
    return count == 0 ? null : new UploadStats(repository.name(), count, bytes, oldest);
  }

  /** {@code startedat} holds an RFC 3339 time, 20 bytes, no newline; anything else is unknown. */
  static Instant startedAt(byte[] content) {
    try {
      return OffsetDateTime.parse(new String(content, StandardCharsets.US_ASCII).strip())
          .toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
