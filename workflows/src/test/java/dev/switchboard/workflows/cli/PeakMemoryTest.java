package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PeakMemoryTest {

    @Test
    void should_read_the_high_water_mark_in_bytes_when_the_status_has_one() {
        // given the lines of /proc/self/status around it
        String status = "VmPeak:\t 4443452 kB\nVmSize:\t 4400000 kB\nVmHWM:\t  514236 kB\nVmRSS:\t  498100 kB\n";

        // when / then
        assertThat(PeakMemory.parse(status)).hasValue(514236L * 1024);
    }

    @Test
    void should_give_nothing_when_the_status_has_no_high_water_mark() {
        assertThat(PeakMemory.parse("Name:\tjava\nVmRSS:\t 1 kB\n")).isEmpty();
    }
}
