package dev.regscope.storage.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.regscope.core.Damage;
import dev.regscope.model.BrokenTag;
import dev.regscope.model.ScanProblem;
import dev.regscope.model.ScanState;
import dev.regscope.model.Snapshot;
import dev.regscope.model.TagStats;
import dev.regscope.scan.OnDemandScans;
import dev.regscope.scan.ScanSource;
import dev.regscope.scan.Scanner;
import dev.regscope.testing.Image;
import dev.regscope.testing.ImageFactory;
import dev.regscope.testing.Platform;
import dev.regscope.testing.RegistryClient;
import dev.regscope.testing.RegistryProcess;
import dev.regscope.testing.S3FaultProxy;
import dev.regscope.testing.S3FaultProxy.Answer;
import dev.regscope.testing.S3FaultProxy.Before;
import dev.regscope.testing.S3FaultProxy.ClaimTruncated;
import dev.regscope.testing.S3FaultProxy.Pass;
import dev.regscope.testing.S3ProxyProcess;
import dev.regscope.testing.Scans;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Object storage failing under a scan, for real: S3Proxy killed mid-scan, a key deleted between the
 * listing and its read, rotated credentials, a root that holds nothing, throttling, a policy that
 * denies a prefix, a listing cut short. Each ends with a clear reason, a counted metric, and, where
 * the scan cannot be trusted, the last good snapshot still published. The faults that S3Proxy
 * cannot make by itself come from a relay in front of it ({@link S3FaultProxy}) that answers as S3
 * does ({@code SlowDown}, {@code AccessDenied}). The tree is written by the real registry (its
 * filesystem driver, into the folder S3Proxy serves as the bucket).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class S3FaultsTest {
  private static final String ROOT = "fs/storage";
  private static final String V2 = ROOT + "/docker/registry/v2/";

  @TempDir Path dir;
  private S3ProxyProcess s3;
  private S3FaultProxy door;
  private S3Requests requests;
  private final List<IOException> failures = new CopyOnWriteArrayList<>();
  private final List<ScanProblem> logged = new CopyOnWriteArrayList<>();

  @BeforeEach
  void fill() {
    s3 = S3ProxyProcess.start(dir.resolve("s3"), S3Registries.BUCKET);
    try (RegistryProcess registry =
        RegistryProcess.start(s3.bucketDir(S3Registries.BUCKET).resolve("fs"))) {
      RegistryClient client = registry.client();
      ImageFactory images = new ImageFactory(new Random(5));
      Platform amd64 = Platform.of("linux/amd64");
      Image one = images.dockerImage(amd64, images.layer(), images.layer());
      one.push(client, "faults/a", "1");
      one.push(client, "faults/a", "2");
      images.ociImage(amd64, images.layer()).push(client, "faults/b", "x");
    }
    door = S3FaultProxy.start(s3.endpoint());
    requests = new S3Requests();
  }

  @AfterEach
  void stop() {
    door.close();
    s3.close();
  }

  /** A scan of the bucket through the relay that keeps each failure's exception. */
  private OnDemandScans scans() {
    Scanner scanner =
        S3Registries.scanner(
            S3Registries.client(door.endpoint(), requests), ROOT, requests, logged::add);
    return new OnDemandScans(
        new ScanSource() {
          @Override
          public Snapshot scan() throws IOException {
            try {
              return scanner.scan();
            } catch (IOException e) {
              failures.add(e);
              throw e;
            }
          }
        });
  }

  private long errors(String reason) {
    return requests.errors().get(reason);
  }

  /** Scans once, fails the next scan with the fault, and checks what is still published. */
  private void assertFailedKeepingTheLastGoodSnapshot(
      OnDemandScans scans, ScanState good, String reason, String message) {
    ScanState after = Scans.completed(scans);
    assertThat(after.failedScans()).isEqualTo(1);
    assertThat(after.scans()).isEqualTo(good.scans());
    assertThat(after.latest()).containsSame(good.latest().orElseThrow());
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0)).hasMessageContaining(message);
    assertThat(errors(reason)).isPositive();
  }

  private ScanState goodScan(OnDemandScans scans) {
    ScanState good = Scans.completed(scans);
    assertThat(good.latest()).isPresent();
    assertThat(good.latest().get().tagCount()).isEqualTo(3);
    assertThat(good.latest().get().problems()).isEmpty();
    return good;
  }

  @Test
  void s3ProxyStoppedMidScanFailsTheScanAndTheLastGoodSnapshotStays() {
    OnDemandScans scans = scans();
    ScanState good = goodScan(scans);
    // A fresh scanner reads everything again; it loses the server at its first read.
    OnDemandScans fresh = scans();
    ScanState freshGood = goodScan(fresh);
    AtomicBoolean stopped = new AtomicBoolean();
    door.rule(
        request ->
            request.operation().equals("ListObjectsV2") && stopped.compareAndSet(false, true)
                ? new Before(s3::stop)
                : new Pass());
    assertFailedKeepingTheLastGoodSnapshot(
        fresh, freshGood, S3Errors.CONNECTION, "cannot reach the bucket");
    s3.restart(S3ProxyProcess.IDENTITY, S3ProxyProcess.CREDENTIAL);
    door.pass();
    assertThat(Scans.completed(scans).scans()).isEqualTo(good.scans() + 1);
  }

  @Test
  void s3ProxyStoppedWhileReadingFailsTheScanInsteadOfBreakingTags() {
    OnDemandScans scans = scans(); // a first scan: every link and manifest is read
    AtomicBoolean stopped = new AtomicBoolean();
    door.rule(
        request ->
            request.operation().equals("GetObject") && stopped.compareAndSet(false, true)
                ? new Before(s3::stop)
                : new Pass());
    ScanState state = Scans.completed(scans);
    assertThat(state.latest()).isEmpty();
    assertThat(state.failedScans()).isEqualTo(1);
    assertThat(failures.get(0)).hasMessageContaining("cannot reach the bucket");
    assertThat(errors(S3Errors.CONNECTION)).isPositive();
  }

  @Test
  void aKeyDeletedBetweenListingAndReadingIsAVanishedTagNotABrokenOneNorAFailedScan() {
    OnDemandScans scans = scans();
    String link = V2 + "repositories/faults/a/_manifests/tags/2/current/link";
    door.rule(
        request ->
            request.operation().equals("GetObject") && request.key().equals(link)
                ? new Before(() -> delete(s3.bucketDir(S3Registries.BUCKET).resolve(link)))
                : new Pass());
    ScanState state = Scans.completed(scans);
    Snapshot snapshot = state.latest().orElseThrow();
    // As on a folder (issue 11): a tag deleted since the listing, as a manifest delete removes its
    // tags, is simply not there; a live registry must raise no problem and no scan error.
    assertThat(snapshot.problems()).isEmpty();
    assertThat(Scans.repository(snapshot, "faults/a").tags())
        .extracting(TagStats::name)
        .containsExactly("1");
    assertThat(Scans.repository(snapshot, "faults/a").brokenTags()).isEmpty();
    assertThat(state.failedScans()).isZero();
    assertThat(state.errorTotals().getOrDefault(Damage.VANISHED, 0L)).isZero();
    assertThat(errors(S3Errors.NOT_FOUND)).isEqualTo(1);
  }

  @Test
  void wrongCredentialsFailTheScanAndTheLastGoodSnapshotStays() {
    OnDemandScans scans = scans();
    ScanState good = goodScan(scans);
    s3.restart("AKIDROTATED", "rotated-secret");
    assertFailedKeepingTheLastGoodSnapshot(
        scans, good, S3Errors.INVALID_CREDENTIALS, "the credentials were refused");
  }

  @Test
  void aRootThatHoldsNothingIsAFailedScanNotAnEmptyRegistry() throws IOException {
    Scanner nowhere =
        S3Registries.scanner(
            S3Registries.client(door.endpoint(), requests), "nothing", requests, p -> {});
    try {
      nowhere.scan();
      throw new AssertionError("a scan of an empty root succeeded");
    } catch (IOException e) {
      assertThat(e).hasMessageContaining("no registry in s3://registry/nothing");
    }
    assertThat(errors(S3Errors.EMPTY_ROOT)).isEqualTo(1);

    OnDemandScans scans = scans();
    ScanState good = goodScan(scans);
    Path fs = s3.bucketDir(S3Registries.BUCKET).resolve("fs");
    Files.move(fs, fs.resolveSibling("moved")); // the storage is gone
    assertFailedKeepingTheLastGoodSnapshot(
        scans, good, S3Errors.EMPTY_ROOT, "no registry in s3://registry/fs/storage");
  }

  @Test
  void throttlingIsRetriedWithBackOff() {
    OnDemandScans scans = scans();
    String prefix = V2 + "repositories/";
    AtomicInteger throttled = new AtomicInteger();
    door.rule(
        request ->
            request.key().equals(prefix) && throttled.getAndIncrement() < 2
                ? new Answer(503, "SlowDown")
                : new Pass());
    ScanState state = Scans.completed(scans);
    assertThat(state.latest()).isPresent();
    assertThat(state.latest().get().tagCount()).isEqualTo(3);
    assertThat(errors(S3Requests.THROTTLED)).isEqualTo(2);
    // Answered SlowDown twice, then sent a third time; each time after a wait of at least half
    // the back-off (half jitter), which doubles: the bucket is waited out, not hammered.
    List<S3FaultProxy.Request> sent =
        door.requests().stream().filter(r -> r.key().equals(prefix)).toList();
    assertThat(sent).hasSizeGreaterThanOrEqualTo(3);
    long firstWait = sent.get(1).atNanos() - sent.get(0).atNanos();
    long secondWait = sent.get(2).atNanos() - sent.get(1).atNanos();
    assertThat(firstWait).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
    assertThat(secondWait).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
  }

  @Test
  void anAccessDeniedPrefixBreaksItsTagsAndIsCounted() {
    OnDemandScans scans = scans();
    String denied = V2 + "repositories/faults/a/_manifests/tags/";
    door.rule(
        request ->
            request.operation().equals("GetObject") && request.key().startsWith(denied)
                ? new Answer(403, "AccessDenied")
                : new Pass());
    Snapshot snapshot = Scans.completed(scans).latest().orElseThrow();
    assertThat(Scans.repository(snapshot, "faults/a").brokenTags())
        .extracting(BrokenTag::name, BrokenTag::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("1", Damage.READ_ERROR),
            org.assertj.core.groups.Tuple.tuple("2", Damage.READ_ERROR));
    assertThat(snapshot.problems())
        .allMatch(
            p -> p.message().contains("access denied") && p.message().contains("s3:GetObject"));
    assertThat(Scans.tag(snapshot, "faults/b", "x")).isNotNull();
    assertThat(errors(S3Errors.ACCESS_DENIED)).isEqualTo(2);
  }

  @Test
  void aListingDeniedForAPrefixFailsTheScanAndTheLastGoodSnapshotStays() {
    OnDemandScans scans = scans();
    ScanState good = goodScan(scans);
    door.rule(
        request ->
            request.operation().equals("ListObjectsV2")
                    && request.key().startsWith(V2 + "repositories/")
                ? new Answer(403, "AccessDenied")
                : new Pass());
    assertFailedKeepingTheLastGoodSnapshot(scans, good, S3Errors.ACCESS_DENIED, "s3:ListBucket");
  }

  @Test
  void aTruncatedListingFailsTheScanAndTheLastGoodSnapshotStays() {
    OnDemandScans scans = scans();
    ScanState good = goodScan(scans);
    door.rule(
        request -> request.operation().equals("ListObjectsV2") ? new ClaimTruncated() : new Pass());
    assertFailedKeepingTheLastGoodSnapshot(
        scans, good, S3Errors.TRUNCATED_LISTING, "was cut short");
  }

  private static void delete(Path file) {
    try {
      Files.delete(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
