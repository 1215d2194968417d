package dev.switchboard.connectors.sources.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NetworkAllowListTest {

    @ParameterizedTest(name = "{0} allows {1}: {2}")
    @CsvSource({
            "192.30.252.0/22, 192.30.253.17, true",
            "192.30.252.0/22, 192.30.256.1, false",
            "192.30.252.0/22, 192.30.248.1, false",
            "10.0.0.7, 10.0.0.7, true",
            "10.0.0.7, 10.0.0.8, false",
            "2a0a:a440::/29, 2a0a:a447:1::5, true",
            "2a0a:a440::/29, 2a0a:a448::1, false",
            "127.0.0.0/8, ::ffff:127.0.0.1, true",
            "0.0.0.0/0, 203.0.113.9, true",
            "127.0.0.0/8, example.com, false"})
    void should_allow_only_addresses_inside_the_networks_when_a_list_is_given(String cidr, String address, boolean allowed) {
        // given
        NetworkAllowList list = NetworkAllowList.of(List.of(cidr));

        // when / then
        assertThat(list.allows(address)).isEqualTo(allowed);
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @CsvSource({"10.0.0.0/33", "300.1.1.1", "github.com", "10.0.0.0/x", "''"})
    void should_name_the_entry_when_it_is_not_a_network(String cidr) {
        // when / then
        assertThat(NetworkAllowList.problem(cidr)).isPresent();
        assertThatThrownBy(() -> NetworkAllowList.of(List.of(cidr))).isInstanceOf(IllegalArgumentException.class);
    }

    @org.junit.jupiter.api.Test
    void should_allow_any_address_when_the_list_is_empty() {
        // when / then
        assertThat(NetworkAllowList.of(List.of()).allows("203.0.113.9")).isTrue();
    }
}
