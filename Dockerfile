# Builds regscope's shaded jar, then runs it on a bare JRE as a non-root user
# with a read-only view of the registry storage.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /build
# The pom alone first, so the dependency layer is reused until the pom changes.
COPY pom.xml .
RUN mvn -B -ntp dependency:go-offline
COPY src ./src
RUN mvn -B -ntp package -DskipTests

FROM eclipse-temurin:17-jre
# A numeric uid, so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
RUN groupadd --system --gid 65532 regscope \
 && useradd --system --uid 65532 --gid 65532 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin regscope
COPY --from=build /build/target/regscope.jar /opt/regscope/regscope.jar
USER 65532:65532
EXPOSE 8080
# -XX:-UsePerfData stops the JVM writing /tmp/hsperfdata_*, so the container runs with a
# read-only root filesystem and no writable /tmp; regscope itself writes nothing.
ENTRYPOINT ["java", "-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75", "-XX:-UsePerfData", "-jar", "/opt/regscope/regscope.jar", "serve"]
CMD ["/var/lib/registry"]
