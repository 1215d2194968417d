# syntax=docker/dockerfile:1
# The Switchboard image: the same CLI as ./switchboard, on a JRE, as a non-root user.
#   docker build -t switchboard:0.1.0 .
#   docker run --rm switchboard:0.1.0 --help
# The Helm chart (helm/switchboard) runs it with a read-only root filesystem and mounts
# /etc/switchboard (configuration and workflows), /var/lib/switchboard and /tmp.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# The Maven repository stays in a BuildKit cache between builds; tests run in CI (./mvnw -B verify), not here.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests package

FROM eclipse-temurin:17-jre
# Home on the data folder: Java takes user.home from this entry, and the tokenizer and JNA cache their
# native libraries there (the root filesystem is read-only in Kubernetes).
RUN groupadd --system --gid 10001 switchboard \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/switchboard --no-create-home \
      --shell /usr/sbin/nologin switchboard \
 && mkdir -p /var/lib/switchboard /etc/switchboard \
 && chown 10001:10001 /var/lib/switchboard
# Dependencies first: they change less often than the application jar.
COPY --from=build /src/workflows/target/lib/ /app/lib/
COPY --from=build /src/workflows/target/switchboard-cli.jar /app/switchboard-cli.jar
WORKDIR /var/lib/switchboard
USER 10001:10001
ENV HOME=/var/lib/switchboard
# Health, metrics, webhooks and the admin API (http: in switchboard.yaml; listen on 0.0.0.0 in a container).
# 8080: webhooks (http:), 8081: health, metrics and the admin API (admin:)
EXPOSE 8080 8081
ENTRYPOINT ["java", "-jar", "/app/switchboard-cli.jar"]
CMD ["run", "--config", "/etc/switchboard/switchboard.yaml"]
