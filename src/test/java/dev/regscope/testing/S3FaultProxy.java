package dev.regscope.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A byte-for-byte HTTP/1.1 relay in front of an S3 server on 127.0.0.1 that counts every request by
 * S3 operation, and, when told, answers some of them itself: a status with an S3 error body ({@code
 * SlowDown}, {@code AccessDenied}), a listing that claims more keys follow without saying where, or
 * an action run just before the request goes through (deleting the key it reads). It forwards
 * requests unchanged, Host header included, so SigV4 signatures made for the relay's address still
 * verify at the server.
 */
public final class S3FaultProxy implements AutoCloseable {
  /** One request as the relay saw it: method, operation, and the key or listing prefix. */
  public record Request(String method, String operation, String key, long atNanos) {}

  /** What the relay does with a request. */
  public sealed interface Fault permits Pass, Answer, ClaimTruncated, Before {}

  /** Forward it. */
  public record Pass() implements Fault {}

  /** Answer with this status and an S3 error body naming {@code code}. */
  public record Answer(int status, String code) implements Fault {}

  /** Forward it, and in the answer say that more keys follow, without a continuation token. */
  public record ClaimTruncated() implements Fault {}

  /** Run {@code action}, then forward it. */
  public record Before(Runnable action) implements Fault {}

  private static final Pass PASS = new Pass();

  private final ServerSocket server;
  private final URI upstream;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<Socket, Boolean> open = new ConcurrentHashMap<>();
  private volatile Function<Request, Fault> rule = request -> PASS;

  private S3FaultProxy(ServerSocket server, URI upstream) {
    this.server = server;
    this.upstream = upstream;
  }

  /** A relay on a free port of 127.0.0.1 in front of {@code upstream}. */
  public static S3FaultProxy start(URI upstream) {
    try {
      ServerSocket server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
      S3FaultProxy proxy = new S3FaultProxy(server, upstream);
      Thread accept = new Thread(proxy::accept, "s3-fault-proxy");
      accept.setDaemon(true);
      accept.start();
      return proxy;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** From now on, {@code rule} decides what happens to each request. */
  public void rule(Function<Request, Fault> rule) {
    this.rule = rule;
  }

  /** Forward everything again. */
  public void pass() {
    rule = request -> PASS;
  }

  /** Every request seen so far, answered by the relay or not. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** How many requests of {@code operation} ({@code GetObject}, {@code ListObjectsV2}) came. */
  public long count(String operation) {
    return requests.stream().filter(r -> r.operation().equals(operation)).count();
  }

  /** Forgets the requests seen so far. */
  public void reset() {
    requests.clear();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing
    }
    open.keySet().forEach(S3FaultProxy::closeQuietly);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.put(client, true);
        Thread thread = new Thread(() -> serve(client), "s3-fault-proxy-connection");
        thread.setDaemon(true);
        thread.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    Socket target = null;
    InputStream down = null;
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      while (true) {
        Head head = Head.read(in);
        if (head == null) {
          return;
        }
        byte[] body = in.readNBytes((int) head.contentLength());
        Request request = classify(head.startLine());
        requests.add(request);
        Fault fault = rule.apply(request);
        if (fault instanceof Answer answer) {
          byte[] xml =
              ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                      + answer.code()
                      + "</Code><Message>answered by the test's relay</Message></Error>")
                  .getBytes(StandardCharsets.UTF_8);
          out.write(
              ("HTTP/1.1 "
                      + answer.status()
                      + " Fault\r\nContent-Type: application/xml\r\nContent-Length: "
                      + xml.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(xml);
          out.flush();
          continue;
        }
        if (fault instanceof Before before) {
          before.action().run();
        }
        if (target == null || target.isClosed()) {
          target = new Socket(upstream.getHost(), upstream.getPort());
          open.put(target, true);
          down = new BufferedInputStream(target.getInputStream());
        }
        OutputStream up = target.getOutputStream();
        up.write(head.bytes());
        up.write(body);
        up.flush();
        Head answer = Head.read(down);
        if (answer == null) {
          return;
        }
        byte[] content = answer.readBody(down);
        if (fault instanceof ClaimTruncated) {
          String xml = new String(content, StandardCharsets.UTF_8);
          content =
              xml.replace("<IsTruncated>false</IsTruncated>", "<IsTruncated>true</IsTruncated>")
                  .getBytes(StandardCharsets.UTF_8);
        }
        out.write(answer.withLength(content.length));
        out.write(content);
        out.flush();
        if (answer.closes()) {
          return;
        }
      }
    } catch (IOException e) {
      // a side went away: so does this connection
    } finally {
      if (target != null) {
        closeQuietly(target);
      }
    }
  }

  private static Request classify(String startLine) {
    String[] parts = startLine.split(" ");
    String method = parts[0];
    URI uri = URI.create(parts.length > 1 ? parts[1] : "/");
    String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
    String path = URLDecoder.decode(uri.getRawPath(), StandardCharsets.UTF_8);
    String operation;
    String key;
    if (method.equals("GET") && query.contains("list-type=2")) {
      operation = "ListObjectsV2";
      key = "";
      for (String pair : query.split("&")) {
        if (pair.startsWith("prefix=")) {
          key = URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
        }
      }
    } else {
      operation =
          switch (method) {
            case "GET" -> "GetObject";
            case "HEAD" -> "HeadObject";
            default -> method;
          };
      int slash = path.indexOf('/', 1); // path style: /bucket/key
      key = slash < 0 ? "" : path.substring(slash + 1);
    }
    return new Request(method, operation, key, System.nanoTime());
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  /** A request's or response's start line and headers, as bytes and parsed. */
  private record Head(byte[] bytes, String startLine, List<String> headers) {
    static Head read(InputStream in) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          return null;
        }
        bytes.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String text = bytes.toString(StandardCharsets.ISO_8859_1);
      String[] lines = text.split("\r\n");
      List<String> headers = new ArrayList<>(List.of(lines).subList(1, lines.length));
      return new Head(bytes.toByteArray(), lines[0], headers);
    }

    String header(String name) {
      for (String header : headers) {
        int colon = header.indexOf(':');
        if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return header.substring(colon + 1).trim();
        }
      }
      return null;
    }

    long contentLength() {
      String length = header("Content-Length");
      return length == null ? 0 : Long.parseLong(length);
    }

    boolean closes() {
      String connection = header("Connection");
      return connection != null && connection.toLowerCase(Locale.ROOT).contains("close");
    }

    /** The body: by its length, chunk by chunk, or (a HEAD, a 204, a 304) none. */
    byte[] readBody(InputStream in) throws IOException {
      String encoding = header("Transfer-Encoding");
      if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
          String size = line(in).split(";")[0].trim();
          int n = Integer.parseInt(size, 16);
          if (n == 0) {
            while (!line(in).isEmpty()) {
              // trailers
            }
            return body.toByteArray();
          }
          body.write(in.readNBytes(n));
          line(in);
        }
      }
      return in.readNBytes((int) contentLength());
    }

    /** The head again, with the body's length instead of chunks. */
    byte[] withLength(int length) {
      StringBuilder text = new StringBuilder(startLine).append("\r\n");
      for (String header : headers) {
        String name = header.contains(":") ? header.substring(0, header.indexOf(':')).trim() : "";
        if (!name.equalsIgnoreCase("Content-Length")
            && !name.equalsIgnoreCase("Transfer-Encoding")) {
          text.append(header).append("\r\n");
        }
      }
      text.append("Content-Length: ").append(length).append("\r\n\r\n");
      return text.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) >= 0 && b != '\n') {
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
