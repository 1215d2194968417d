# syntax=docker/dockerfile:1
# Builds the jar and its lib folder inside Docker, for a machine without a JDK (needs BuildKit and Maven Central),
# and writes them into workflows/target, where the Dockerfile takes them from:
#   docker build -f docker/build.Dockerfile --output workflows/target .
#   docker build -t switchboard:0.1.0 .
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY . .
# The Maven repository stays in a BuildKit cache between builds; tests run in CI (./mvnw -B verify), not here.
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -DskipTests package

FROM scratch
COPY --from=build /src/workflows/target/switchboard-cli.jar /switchboard-cli.jar
COPY --from=build /src/workflows/target/lib/ /lib/
