package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.spi.LookupSource;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.spi.CrmLookup;
import dev.switchboard.schemas.spi.HttpIngress;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the CRM tables by interactive queries. {@code queryMetadataForKey} names the instance that
 * holds a key: this one answers from its local store; another one is asked over HTTP on
 * {@value #PATH} (its {@code application.server}), where it answers from its own store only, so a
 * request never travels twice. A lookup by email or domain reads the index, then the table, each
 * where it lives.
 */
public final class CrmTables implements CrmLookup, LookupSource {

    /** The route engine instances ask each other on. */
    public static final String PATH = "/internal/crm/lookup";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STORES = stores();

    private final Duration wait;
    private final Supplier<Optional<String>> sharedToken;
    /** Used when no token is configured: nobody else knows it, so only this process could pass, and it never asks itself. */
    private final String ownToken = ownToken();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private volatile KafkaStreams streams;
    private volatile HostInfo self;

    /**
     * @param wait        how long a lookup waits for the tables to be queryable
     * @param sharedToken the token every instance sends the others, when one is configured; without
     *                    it this process makes up its own, so no other caller is answered
     */
    public CrmTables(Duration wait, Supplier<Optional<String>> sharedToken) {
        this.wait = wait;
        this.sharedToken = sharedToken;
    }

    /** Whether instances share a configured token, so they can answer each other's lookups. */
    boolean hasSharedToken() {
        return sharedToken.get().filter(value -> !value.isBlank()).isPresent();
    }

    private String token() {
        return sharedToken.get().filter(value -> !value.isBlank()).orElse(ownToken);
    }

    /** Binds the running stage; until then lookups wait. */
    void bind(KafkaStreams streams, HostInfo self) {
        this.self = self;
        this.streams = streams;
    }

    @Override
    public Optional<Map<String, Object>> find(String entity, String by, String key) {
        if (!ENTITIES.contains(entity)) {
            throw new IllegalArgumentException("Unknown entity '" + entity + "', expected one of " + ENTITIES);
        }
        String normalized = CrmTopology.normalize(by, key);
        String id;
        if (by.equals("id")) {
            id = normalized;
        } else {
            if (!by.equals(CrmTopology.INDEXES.get(entity))) {
                throw new IllegalArgumentException("No index of " + entity + " by " + by);
            }
            List<String> ids = CrmTopology.ids(get(StreamsNames.crmIndex(entity, by), normalized).orElse(null));
            if (ids.isEmpty()) {
                return Optional.empty();
            }
            id = ids.get(0);
        }
        return get(StreamsNames.crmTable(entity), id).map(CrmTables::record);
    }

    /** For the {@code enrich} step: {@code kind} is {@code <entity>.<by>}, e.g. {@code company.domain}. */
    @Override
    public Optional<Map<String, Object>> lookup(String kind, String key) {
        int dot = kind.indexOf('.');
        return key == null || key.isBlank() ? Optional.empty()
                : find(dot < 0 ? kind : kind.substring(0, dot), dot < 0 ? "id" : kind.substring(dot + 1), key);
    }

    /** The value of a key in a store, asked of the instance that holds it. */
    Optional<String> get(String store, String key) {
        KafkaStreams running = awaitRunning();
        if (self == null) {
            // no HTTP listener, so no application.server: this instance is the only one that can answer
            try {
                return Optional.ofNullable(running.store(StoreQueryParameters
                        .fromNameAndType(store, QueryableStoreTypes.<String, String>keyValueStore())).get(key));
            } catch (InvalidStateStoreException e) {
                throw new UnavailableException(store + " is not queryable now: " + e.getMessage(), e);
            }
        }
        KeyQueryMetadata metadata = running.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (metadata == null || metadata.equals(KeyQueryMetadata.NOT_AVAILABLE) || metadata.activeHost() == null) {
            throw new UnavailableException("no instance holds " + store + " for this key yet (rebalancing)");
        }
        if (metadata.activeHost().equals(self)) {
            return local(running, store, key, metadata.partition());
        }
        return remote(metadata.activeHost(), store, key);
    }

    private static Optional<String> local(KafkaStreams running, String store, String key, int partition) {
        try {
            ReadOnlyKeyValueStore<String, String> values = running.store(StoreQueryParameters
                    .fromNameAndType(store, QueryableStoreTypes.<String, String>keyValueStore()).withPartition(partition));
            return Optional.ofNullable(values.get(key));
        } catch (InvalidStateStoreException e) {
            throw new UnavailableException(store + " is not queryable here now: " + e.getMessage(), e);
        }
    }

    private Optional<String> remote(HostInfo host, String store, String key) {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + PATH + "?store="
                + URLEncoder.encode(store, StandardCharsets.UTF_8) + "&key=" + URLEncoder.encode(key, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
        request.header("Authorization", "Bearer " + token());
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            if (response.statusCode() != 200) {
                throw new UnavailableException("instance " + host + " answered " + response.statusCode() + " for " + store);
            }
            JsonNode value = JSON.readTree(response.body()).get("value");
            return value == null || value.isNull() ? Optional.empty() : Optional.of(value.asText());
        } catch (IOException e) {
            throw new UnavailableException("instance " + host + " holding " + store + " is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnavailableException("interrupted while asking " + host, e);
        }
    }

    /** Answers another instance: from this instance's own stores only. */
    public HttpIngress.Response handle(HttpIngress.Request request) {
        if (!request.method().equals("GET")) {
            return HttpIngress.Response.error(405, "Use GET");
        }
        if (!authorized(request)) {
            return HttpIngress.Response.error(403, "Peer token missing or wrong: set the same kafka.streams.peer_token_env secret on every instance");
        }
        List<String> stores = request.query().get("store");
        List<String> keys = request.query().get("key");
        if (stores == null || keys == null || !STORES.contains(stores.get(0))) {
            return HttpIngress.Response.error(400, "Expected store (one of " + STORES + ") and key");
        }
        KafkaStreams running = streams;
        if (running == null || running.state() != KafkaStreams.State.RUNNING) {
            return HttpIngress.Response.error(503, "CRM tables not running here");
        }
        String store = stores.get(0);
        String key = keys.get(0);
        KeyQueryMetadata metadata = running.queryMetadataForKey(store, key, Serdes.String().serializer());
        if (metadata == null || metadata.activeHost() == null || !metadata.activeHost().equals(self)) {
            return HttpIngress.Response.error(503, "Key not held here (rebalancing)");
        }
        try {
            Optional<String> value = local(running, store, key, metadata.partition());
            if (value.isEmpty()) {
                return HttpIngress.Response.error(404, "No such key");
            }
            return HttpIngress.Response.json(200, JSON.createObjectNode().put("value", value.get()).toString());
        } catch (UnavailableException e) {
            return HttpIngress.Response.error(503, "Store not queryable here now");
        }
    }

    /**
     * Only a caller with the token: never "loopback", because a sidecar proxy (a service mesh, an
     * ingress on the same host) makes every request come from loopback.
     */
    private boolean authorized(HttpIngress.Request request) {
        String given = request.header("authorization");
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                ("Bearer " + token()).getBytes(StandardCharsets.UTF_8));
    }

    private static String ownToken() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private KafkaStreams awaitRunning() {
        return StreamsWait.await(() -> streams, wait, Optional::of, end -> new UnavailableException("CRM tables not running " + end),
                e -> new UnavailableException("interrupted while waiting for the CRM tables", e));
    }

    private static Map<String, Object> record(String json) {
        try {
            return JsonValues.toMap(JSON.readTree(json));
        } catch (IOException e) {
            throw new IllegalStateException("Corrupt CRM record " + json, e);
        }
    }

    private static Set<String> stores() {
        java.util.Set<String> stores = new java.util.TreeSet<>();
        ENTITIES.forEach(entity -> stores.add(StreamsNames.crmTable(entity)));
        CrmTopology.INDEXES.forEach((entity, field) -> stores.add(StreamsNames.crmIndex(entity, field)));
        return Set.copyOf(stores);
    }
}
