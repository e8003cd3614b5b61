package dev.regscope.bench;

import java.time.Instant;
import java.util.SplittableRandom;

/**
 * A busy registry as its webhooks show it: repositories of tagged images (a config and four layers
 * each, layers shared within a repository), and traffic that is mostly pulls (a manifest GET and
 * its blobs' GETs per image pulled; kubelets' manifest HEADs), some pushes, mounts and deletes.
 * Events are written in the registry's own JSON (as the fixtures show it), compact as the store
 * keeps them. Deterministic for a seed.
 */
final class EventModel {
  static final String REGISTRY = "registry.example.com:5000";
  static final String[] MEDIA = {
    "application/vnd.oci.image.config.v1+json", "application/vnd.oci.image.layer.v1.tar+gzip"
  };
  static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
  static final int LAYERS = 4;

  final int repositories;
  final int tags;
  final int manifests;
  final int blobs;

  /** One event's columns, as the store keeps them. */
  record Event(
      String id,
      String action,
      String target,
      long at,
      String repository,
      String digest,
      String tag,
      String mediaType,
      long size,
      String method,
      String body) {}

  EventModel(int repositories, int tagsPerRepository) {
    this.repositories = repositories;
    this.tags = tagsPerRepository;
    this.manifests = tagsPerRepository + tagsPerRepository / 5; // some untagged
    this.blobs = manifests * 3; // configs and layers, layers shared
  }

  String repository(int r) {
    return "team-" + (r % 40) + "/service-" + r;
  }

  String tag(int t) {
    return "v1." + t;
  }

  /** Manifest {@code m} of repository {@code r}. */
  String manifest(int r, int m) {
    return digest(r, 1_000_000 + m);
  }

  String blob(int r, int b) {
    return digest(r, b);
  }

  /** Blob {@code k} (0: config, then layers) of manifest {@code m}. */
  int blobOf(int m, int k) {
    return k == 0 ? m : manifests + (m * 7 + k * 13) % (blobs - manifests);
  }

  long blobSize(int r, int b) {
    if (b < manifests) {
      return 1_000 + mix(r, b) % 9_000; // configs: a few KB
    }
    // layers: 1 KB to about 200 MB, most of them small, as in real images
    long roll = mix(r, b) % 1000;
    long scale = roll < 500 ? 100_000 : roll < 900 ? 10_000_000 : 200_000_000;
    return 1_000 + mix(b, r) % scale;
  }

  long manifestSize(int r, int m) {
    return 900 + mix(r, m) % 600;
  }

  /** The {@code n}th event of a stream, at {@code at}, drawn from {@code random}. */
  Event next(SplittableRandom random, long at) {
    int r = random.nextInt(repositories);
    int m = random.nextInt(manifests);
    int roll = random.nextInt(1000);
    String id = uuid(random);
    if (roll < 600) { // a blob of an image being pulled
      int b = blobOf(m, random.nextInt(LAYERS + 1));
      return blobEvent(random, id, at, "pull", "GET", r, b);
    }
    if (roll < 680) { // a client checking a blob before pushing it
      return blobEvent(random, id, at, "pull", "HEAD", r, blobOf(m, random.nextInt(LAYERS + 1)));
    }
    if (roll < 830) {
      return manifestEvent(random, id, at, "pull", "GET", r, m);
    }
    if (roll < 930) { // a kubelet resolving a tag it has cached
      return manifestEvent(random, id, at, "pull", "HEAD", r, m);
    }
    if (roll < 980) {
      return blobEvent(random, id, at, "push", "PUT", r, blobOf(m, random.nextInt(LAYERS + 1)));
    }
    if (roll < 990) {
      return manifestEvent(random, id, at, "push", "PUT", r, m);
    }
    if (roll < 998) {
      return blobEvent(random, id, at, "mount", "POST", r, blobOf(m, 1 + random.nextInt(LAYERS)));
    }
    StringBuilder json = open(id, at, "delete").append("\"target\":{\"digest\":\"");
    String digest = manifest(r, m);
    json.append(digest).append("\",\"repository\":\"").append(repository(r)).append("\"}");
    close(random, json, "DELETE");
    return new Event(
        id, "delete", "digest", at, repository(r), digest, null, null, -1, "DELETE", json + "");
  }

  private Event blobEvent(
      SplittableRandom random, String id, long at, String action, String method, int r, int b) {
    String digest = blob(r, b);
    String media = MEDIA[b < manifests ? 0 : 1];
    long size = blobSize(r, b);
    StringBuilder json = open(id, at, action).append("\"target\":{\"mediaType\":\"");
    json.append(media).append("\",\"size\":").append(size).append(",\"digest\":\"").append(digest);
    json.append("\",\"length\":").append(size).append(",\"repository\":\"").append(repository(r));
    json.append("\",\"url\":\"http://").append(REGISTRY).append("/v2/").append(repository(r));
    json.append("/blobs/").append(digest).append('"');
    if (action.equals("mount")) {
      json.append(",\"fromRepository\":\"").append(repository((r + 1) % repositories)).append('"');
    }
    json.append('}');
    close(random, json, method);
    return new Event(
        id, action, "blob", at, repository(r), digest, null, media, size, method, json + "");
  }

  private Event manifestEvent(
      SplittableRandom random, String id, long at, String action, String method, int r, int m) {
    String digest = manifest(r, m);
    long size = manifestSize(r, m);
    String tag = m < tags && (action.equals("push") || random.nextBoolean()) ? tag(m) : null;
    StringBuilder json = open(id, at, action).append("\"target\":{\"mediaType\":\"");
    json.append(MANIFEST_TYPE).append("\",\"size\":").append(size).append(",\"digest\":\"");
    json.append(digest).append("\",\"length\":").append(size).append(",\"repository\":\"");
    json.append(repository(r)).append("\",\"url\":\"http://").append(REGISTRY).append("/v2/");
    json.append(repository(r)).append("/manifests/").append(digest).append('"');
    if (tag != null) {
      json.append(",\"tag\":\"").append(tag).append('"');
    }
    json.append(",\"references\":[");
    for (int k = 0; k <= LAYERS; k++) {
      int b = blobOf(m, k);
      json.append(k == 0 ? "" : ",").append("{\"mediaType\":\"").append(MEDIA[k == 0 ? 0 : 1]);
      json.append("\",\"size\":").append(blobSize(r, b)).append(",\"digest\":\"");
      json.append(blob(r, b)).append("\"}");
    }
    json.append("]}");
    close(random, json, method);
    return new Event(
        id,
        action,
        "manifest",
        at,
        repository(r),
        digest,
        tag,
        MANIFEST_TYPE,
        size,
        method,
        json + "");
  }

  private static StringBuilder open(String id, long at, String action) {
    StringBuilder json = new StringBuilder(1600);
    json.append("{\"id\":\"").append(id).append("\",\"timestamp\":\"");
    json.append(Instant.ofEpochMilli(at)).append("\",\"action\":\"").append(action).append("\",");
    return json;
  }

  private static void close(SplittableRandom random, StringBuilder json, String method) {
    json.append(",\"request\":{\"id\":\"").append(uuid(random)).append("\",\"addr\":\"10.0.");
    json.append(random.nextInt(256)).append('.').append(random.nextInt(256)).append(':');
    json.append(30000 + random.nextInt(30000)).append("\",\"host\":\"").append(REGISTRY);
    json.append("\",\"method\":\"").append(method).append("\",\"useragent\":\"");
    json.append(method.equals("HEAD") ? "kubelet/v1.29.2" : "containerd/v1.7.13");
    json.append("\"},\"actor\":{},\"source\":{\"addr\":\"registry-7d9f5c:5000\",");
    json.append("\"instanceID\":\"e396cbd7-8bd5-472c-83dc-571bd39d4c3c\"}}");
  }

  static String uuid(SplittableRandom random) {
    return new java.util.UUID(
            random.nextLong() & 0xffffffffffff0fffL | 0x4000L,
            random.nextLong() & 0x3fffffffffffffffL | 0x8000000000000000L)
        .toString();
  }

  /** A digest-shaped string that is the same for the same (a, b). */
  static String digest(int a, int b) {
    StringBuilder hex = new StringBuilder(71).append("sha256:");
    long x = ((long) a << 32) ^ b;
    for (int i = 0; i < 4; i++) {
      x = mix64(x + i);
      String part = Long.toHexString(x);
      hex.append("0".repeat(16 - part.length())).append(part);
    }
    return hex.toString();
  }

  static long mix(long a, long b) {
    return mix64(a * 31 + b) & Long.MAX_VALUE;
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
