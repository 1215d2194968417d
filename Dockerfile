# The Switchboard image: the same CLI as ./switchboard, on a Java 17 runtime, as uid 10001. It packages what
# `./mvnw package` built, so it needs no JDK, no shell and no package manager in the base:
#   ./mvnw -B -DskipTests package
#   docker build -t switchboard:0.1.0 .
#   docker run --rm switchboard:0.1.0 --help
# BASE is any image with Java 17 on its PATH. Where no registry is reachable, assemble one from this
# machine's JDK and build on it:
#   docker/base-from-host.sh switchboard-base:17
#   docker build --build-arg BASE=switchboard-base:17 -t switchboard:0.1.0 .
# Without a JDK on the machine, docker/build.Dockerfile builds the jar and its lib folder inside Docker.
# The Helm chart (helm/switchboard) runs it with a read-only root filesystem and mounts
# /etc/switchboard (configuration and workflows), /var/lib/switchboard and /tmp.
ARG BASE=eclipse-temurin:17-jre
FROM ${BASE}
# Dependencies first: they change less often than the application jar.
COPY workflows/target/lib/ /app/lib/
COPY workflows/target/switchboard-cli.jar /app/switchboard-cli.jar
COPY --chown=10001:10001 docker/data/ /var/lib/switchboard/
WORKDIR /var/lib/switchboard
# Numeric: the base need not have a passwd entry for it (Kubernetes' runAsNonRoot checks the number).
USER 10001:10001
# user.home explicitly: without a passwd entry Java would take '?', and the tokenizer and JNA cache their
# native libraries there (the root filesystem is read-only in Kubernetes). In JAVA_TOOL_OPTIONS, not on the
# command line, so that the chart's JAVA_TOOL_OPTIONS (user.home on its dataDir) replaces it.
# MALLOC_ARENA_MAX: two glibc malloc arenas keep native memory (ONNX Runtime, tokenizers) near what is in use (docs/operations.md)
ENV HOME=/var/lib/switchboard JAVA_TOOL_OPTIONS=-Duser.home=/var/lib/switchboard MALLOC_ARENA_MAX=2
# 8080: webhooks (http:), 8081: health, metrics and the admin API (admin:)
EXPOSE 8080 8081
ENTRYPOINT ["java", "-jar", "/app/switchboard-cli.jar"]
CMD ["run", "--config", "/etc/switchboard/switchboard.yaml"]
