package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceGroupTest {

    private final List<String> log = new ArrayList<>();

    @Test
    void should_stop_in_reverse_order_when_started_in_order() {
        // given
        ServiceGroup group = new ServiceGroup().add("kafka", service("kafka", false)).add("writer", service("writer", false))
                .add("routes", service("routes", false));

        // when
        group.start();
        group.stop();
        group.stop();

        // then
        assertThat(log).containsExactly("start kafka", "start writer", "start routes", "stop routes", "stop writer", "stop kafka");
    }

    @Test
    void should_stop_what_was_started_when_a_service_fails_to_start() {
        // given a group whose third service fails
        ServiceGroup group = new ServiceGroup().add("kafka", service("kafka", false)).add("writer", service("writer", false))
                .add("routes", service("routes", true)).add("http", service("http", false));

        // when / then the failure names the service, and only the two started before it are stopped
        assertThatThrownBy(group::start).isInstanceOf(IllegalStateException.class).hasMessage("routes: port taken");
        assertThat(log).containsExactly("start kafka", "start writer", "start routes", "stop writer", "stop kafka");
    }

    @Test
    void should_stop_the_others_when_one_fails_to_stop() {
        // given
        ServiceGroup group = new ServiceGroup().add("kafka", service("kafka", false)).add("stubborn", new Service() {
            @Override
            public void start() {
                log.add("start stubborn");
            }

            @Override
            public void stop() {
                throw new IllegalStateException("stuck");
            }
        });
        group.start();

        // when
        group.stop();

        // then
        assertThat(log).containsExactly("start kafka", "start stubborn", "stop kafka");
    }

    private Service service(String name, boolean failToStart) {
        return new Service() {
            @Override
            public void start() throws Exception {
                log.add("start " + name);
                if (failToStart) {
                    throw new IOException("port taken");
                }
            }

            @Override
            public void stop() {
                log.add("stop " + name);
            }
        };
    }
}
