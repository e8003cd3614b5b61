package dev.regscope.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client for the registry HTTP API v2, just what tests need to fill a registry and read it
 * back; every answer outside 2xx becomes a {@link RegistryHttpException}.
 */
public final class RegistryClient {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern NEXT_LINK = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");

  private final URI baseUri;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /** A client for the registry at {@code baseUri}, such as {@code http://127.0.0.1:5000/}. */
  public RegistryClient(URI baseUri) {
    this.baseUri = Objects.requireNonNull(baseUri, "baseUri");
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public URI baseUri() {
    return baseUri;
  }

  /**
   * Uploads {@code blob} into {@code repo} in one PUT (monolithic upload) and returns the digest
   * the registry names.
   */
  public String pushBlob(String repo, Blob blob) {
    HttpResponse<String> started =
        send("POST", uri("/v2/" + repo + "/blobs/uploads/"), BodyPublishers.noBody(), null);
    URI target =
        withQuery(
            location(started),
            "digest=" + URLEncoder.encode(blob.digest(), StandardCharsets.UTF_8));
    HttpResponse<String> done =
        send("PUT", target, BodyPublishers.ofByteArray(blob.bytes()), "application/octet-stream");
    return header(done, "Docker-Content-Digest").orElse(blob.digest());
  }

  /**
   * Asks the registry to link {@code digest} from {@code fromRepo} into {@code repo} without
   * sending bytes. Returns false when the registry declined; it then opens an ordinary upload
   * instead (202), which is cancelled here. 2.8 answers the cancel with 204 yet leaves {@code
   * _uploads/<uuid>/hashstates/} behind (no data, no startedat).
   */
  public boolean mountBlob(String repo, String fromRepo, String digest) {
    URI mount =
        uri(
            "/v2/"
                + repo
                + "/blobs/uploads/?mount="
                + URLEncoder.encode(digest, StandardCharsets.UTF_8)
                + "&from="
                + URLEncoder.encode(fromRepo, StandardCharsets.UTF_8));
    HttpResponse<String> answer = send("POST", mount, BodyPublishers.noBody(), null);
    if (answer.statusCode() == 201) {
      return true;
    }
    send("DELETE", location(answer), BodyPublishers.noBody(), null);
    return false;
  }

  /**
   * Opens an upload in {@code repo} and leaves it unfinished; returns its UUID (the folder name
   * under {@code _uploads/}).
   */
  public String startUpload(String repo) {
    return uploadUuid(
        send("POST", uri("/v2/" + repo + "/blobs/uploads/"), BodyPublishers.noBody(), null));
  }

  /**
   * Like {@link #startUpload(String)}, then sends {@code firstChunk} (PATCH) so that the upload
   * holds data.
   */
  public String startUpload(String repo, byte[] firstChunk) {
    HttpResponse<String> started =
        send("POST", uri("/v2/" + repo + "/blobs/uploads/"), BodyPublishers.noBody(), null);
    send(
        "PATCH",
        location(started),
        BodyPublishers.ofByteArray(firstChunk),
        "application/octet-stream");
    return uploadUuid(started);
  }

  /**
   * Stores {@code manifest} under {@code reference} (a tag or its digest) and returns the
   * registry's digest for it.
   */
  public String putManifest(String repo, String reference, Blob manifest) {
    HttpResponse<String> answer =
        send(
            "PUT",
            uri("/v2/" + repo + "/manifests/" + reference),
            BodyPublishers.ofByteArray(manifest.bytes()),
            manifest.mediaType());
    return header(answer, "Docker-Content-Digest")
        .orElseThrow(
            () ->
                new AssertionError("manifest PUT without Docker-Content-Digest: " + answer.uri()));
  }

  /** Deletes the manifest {@code digest} from {@code repo}; the registry refuses deletes by tag. */
  public void deleteManifest(String repo, String digest) {
    send("DELETE", uri("/v2/" + repo + "/manifests/" + digest), BodyPublishers.noBody(), null);
  }

  /**
   * Unlinks blob {@code digest} from {@code repo}; 2.8 removes only the repository's {@code
   * _layers} link and keeps the blob.
   */
  public void deleteBlob(String repo, String digest) {
    send("DELETE", uri("/v2/" + repo + "/blobs/" + digest), BodyPublishers.noBody(), null);
  }

  /**
   * The status a manifest GET answers, 200 or the error (404 where the repository has no revision
   * link for it), without failing.
   */
  public int manifestStatus(String repo, String reference) {
    HttpRequest request =
        request(uri("/v2/" + repo + "/manifests/" + reference))
            .header("Accept", MediaTypes.ACCEPT_ALL_MANIFESTS)
            .GET()
            .build();
    return sendRaw(request, BodyHandlers.discarding()).statusCode();
  }

  /**
   * The manifest {@code reference} names, exactly as stored: its media type (Content-Type), bytes
   * and digest.
   */
  public Blob getManifest(String repo, String reference) {
    HttpRequest request =
        request(uri("/v2/" + repo + "/manifests/" + reference))
            .header("Accept", MediaTypes.ACCEPT_ALL_MANIFESTS)
            .GET()
            .build();
    HttpResponse<byte[]> answer = checked(request, BodyHandlers.ofByteArray());
    byte[] bytes = answer.body();
    String type = header(answer, "Content-Type").orElse("");
    if (type.equals(MediaTypes.SCHEMA1_SIGNED)) {
      // 2.8 signs a schema1 manifest afresh on every GET; its digest names the signed payload.
      bytes = JwsPayload.of(bytes);
    }
    Blob manifest = Blob.of(type, bytes);
    Optional<String> said = header(answer, "Docker-Content-Digest");
    if (said.isPresent() && !said.get().equals(manifest.digest())) {
      throw new AssertionError(
          "GET "
              + answer.uri()
              + " says digest "
              + said.get()
              + " but its bytes hash to "
              + manifest.digest());
    }
    return manifest;
  }

  /**
   * Checks the manifest {@code reference} with a HEAD, as a kubelet does; returns the digest the
   * registry says.
   */
  public String headManifest(String repo, String reference) {
    HttpRequest request =
        request(uri("/v2/" + repo + "/manifests/" + reference))
            .header("Accept", MediaTypes.ACCEPT_ALL_MANIFESTS)
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build();
    HttpResponse<Void> answer = checked(request, BodyHandlers.discarding());
    return header(answer, "Docker-Content-Digest")
        .orElseThrow(
            () ->
                new AssertionError("manifest HEAD without Docker-Content-Digest: " + answer.uri()));
  }

  /** The size of blob {@code digest} in {@code repo}, from the Content-Length of a HEAD request. */
  public long blobSize(String repo, String digest) {
    HttpRequest request =
        request(uri("/v2/" + repo + "/blobs/" + digest))
            .method("HEAD", BodyPublishers.noBody())
            .build();
    HttpResponse<Void> answer = checked(request, BodyHandlers.discarding());
    return answer
        .headers()
        .firstValueAsLong("Content-Length")
        .orElseThrow(
            () -> new AssertionError("HEAD " + answer.uri() + " answered without Content-Length"));
  }

  /** Whether blob {@code digest} is linked into {@code repo} (HEAD answers 200 rather than 404). */
  public boolean hasBlob(String repo, String digest) {
    HttpRequest request =
        request(uri("/v2/" + repo + "/blobs/" + digest))
            .method("HEAD", BodyPublishers.noBody())
            .build();
    int status = sendRaw(request, BodyHandlers.discarding()).statusCode();
    if (status == 404) {
      return false;
    }
    if (status / 100 != 2) {
      throw new RegistryHttpException("HEAD", request.uri(), status, "");
    }
    return true;
  }

  /** Every repository name in the catalog, following {@code Link} pagination. */
  public List<String> catalog() {
    return catalog(1000);
  }

  /** How many pages the catalog takes at {@code pageSize} names a page, following its links. */
  public int catalogPages(int pageSize) {
    int pages = 0;
    URI next = uri("/v2/_catalog?n=" + pageSize);
    while (next != null) {
      HttpResponse<String> answer = send("GET", next, BodyPublishers.noBody(), null);
      pages++;
      next = header(answer, "Link").map(this::nextLink).orElse(null);
    }
    return pages;
  }

  /** The catalog fetched {@code pageSize} names at a time. */
  List<String> catalog(int pageSize) {
    return pagedNames(uri("/v2/_catalog?n=" + pageSize), "repositories");
  }

  /**
   * The tags of {@code repo}. A repository holding blobs but no tag folder yet is in the catalog,
   * yet 2.8 answers its tags list with 404 NAME_UNKNOWN; that reads here as no tags.
   */
  public List<String> tags(String repo) {
    try {
      return pagedNames(uri("/v2/" + repo + "/tags/list"), "tags");
    } catch (RegistryHttpException e) {
      if (e.status() == 404 && e.body().contains("NAME_UNKNOWN")) {
        return List.of();
      }
      throw e;
    }
  }

  private List<String> pagedNames(URI first, String field) {
    List<String> names = new ArrayList<>();
    URI next = first;
    while (next != null) {
      HttpResponse<String> answer = send("GET", next, BodyPublishers.noBody(), null);
      JsonNode list = readTree(answer).path(field);
      list.forEach(name -> names.add(name.asText()));
      next = header(answer, "Link").map(this::nextLink).orElse(null);
    }
    return List.copyOf(names);
  }

  private URI nextLink(String link) {
    Matcher m = NEXT_LINK.matcher(link);
    return m.find() ? baseUri.resolve(m.group(1)) : null;
  }

  private JsonNode readTree(HttpResponse<String> answer) {
    try {
      return json.readTree(answer.body());
    } catch (IOException e) {
      throw new AssertionError(
          answer.request().method()
              + " "
              + answer.uri()
              + " answered with non-JSON: "
              + answer.body(),
          e);
    }
  }

  private static String uploadUuid(HttpResponse<String> started) {
    return header(started, "Docker-Upload-UUID")
        .orElseThrow(
            () -> new AssertionError("upload POST without Docker-Upload-UUID: " + started.uri()));
  }

  /**
   * The Location of an answer, resolved: 2.8 sends absolute URLs, a registry behind a proxy may
   * send relative ones.
   */
  private URI location(HttpResponse<?> answer) {
    String location =
        header(answer, "Location")
            .orElseThrow(
                () ->
                    new AssertionError(
                        answer.request().method() + " " + answer.uri() + " without Location"));
    return baseUri.resolve(location);
  }

  /**
   * Appends {@code param} to {@code target}, whose query (the upload's {@code _state}) must be
   * kept.
   */
  private static URI withQuery(URI target, String param) {
    String text = target.toString();
    int hash = text.indexOf('#');
    if (hash >= 0) {
      text = text.substring(0, hash);
    }
    return URI.create(text + (target.getRawQuery() == null ? "?" : "&") + param);
  }

  private URI uri(String pathAndQuery) {
    return baseUri.resolve(pathAndQuery);
  }

  private static HttpRequest.Builder request(URI target) {
    return HttpRequest.newBuilder(target).timeout(TIMEOUT);
  }

  private HttpResponse<String> send(
      String method, URI target, HttpRequest.BodyPublisher body, String contentType) {
    HttpRequest.Builder builder = request(target).method(method, body);
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return checked(builder.build(), BodyHandlers.ofString());
  }

  private <T> HttpResponse<T> checked(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> answer = sendRaw(request, handler);
    if (answer.statusCode() / 100 != 2) {
      Object body = answer.body();
      String text =
          body == null
              ? ""
              : body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : body.toString();
      throw new RegistryHttpException(request.method(), request.uri(), answer.statusCode(), text);
    }
    return answer;
  }

  private <T> HttpResponse<T> sendRaw(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(request, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(request.method() + " " + request.uri() + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(request.method() + " " + request.uri() + " interrupted", e);
    }
  }

  private static Optional<String> header(HttpResponse<?> answer, String name) {
    return answer.headers().firstValue(name);
  }
}
