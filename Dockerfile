# regscope's image: the shaded jar on a Java runtime cut down to the modules it uses, on a base
# that holds only the C libraries and no shell. docs/image.md says how to build, push and test it.
#
# The base images are build arguments so a build can use a mirror or a local stand-in
# (.ci/image builds the very file offline with stand-ins made by mmdebstrap).
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# The pom alone first, so the dependency layer is reused until the pom changes.
COPY pom.xml .
RUN mvn -B -ntp -Dspotless.check.skip=true dependency:go-offline
COPY src ./src
# Tests and the formatting check run in CI (.ci/run), not in the image build.
RUN mvn -B -ntp -Dspotless.check.skip=true -Dmaven.test.skip=true package
# A runtime of the modules the jar needs (jdeps reads them off its classes), plus the ones it
# loads as services, which jdeps cannot see: jdk.crypto.ec for TLS with elliptic curves.
# --strip-java-debug-attributes, not --strip-debug: that one also strips native symbols with
# objcopy, which the JDK images lack (the JDKs' native libraries ship stripped anyway).
# The default class-data archive keeps start-up as fast as a full JRE's; the one for heaps over
# 32 GiB (classes_nocoops.jsa) is never used at this size and is dropped.
RUN modules="$(jdeps --ignore-missing-deps --print-module-deps --multi-release 17 target/regscope.jar)" \
 && jlink --add-modules "${modules},jdk.crypto.ec" --strip-java-debug-attributes --no-man-pages --no-header-files \
      --compress=2 --generate-cds-archive --output /runtime \
 && rm -f /runtime/lib/server/classes_nocoops.jsa \
 && /runtime/bin/java -Xshare:on -version

FROM ${RUNTIME_IMAGE}
ARG VERSION=unknown
ARG REVISION=unknown
ARG SOURCE=https://github.com/regscope/regscope
LABEL org.opencontainers.image.title="regscope" \
      org.opencontainers.image.description="Prometheus metrics and storage hygiene for a Docker Distribution registry, read from its storage" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT"
COPY --from=build /runtime /opt/java
COPY --from=build /build/target/regscope.jar /opt/regscope/regscope.jar
# So that a pod's command can say "java" too.
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:$PATH
# A numeric uid, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
USER 65532:65532
EXPOSE 8080
# -XX:-UsePerfData stops the JVM writing /tmp/hsperfdata_*, so the container runs with a
# read-only root filesystem and no writable /tmp while events are off. With --events-db on
# SQLite, sqlite-jdbc unpacks its native library into java.io.tmpdir (/tmp): mount a writable
# /tmp then (k8s/events does).
ENTRYPOINT ["/opt/java/bin/java", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75", "-XX:-UsePerfData", "-jar", "/opt/regscope/regscope.jar", "serve"]
CMD ["/var/lib/registry"]
