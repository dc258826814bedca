package boshcm.it;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.HaproxyConfig.Server;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The HAProxy example is one text: docs/deployment.md shows exactly {@code docs/haproxy/boshcm.cfg},
 * and {@link HaproxyConfig#forTest} (what {@code HaproxyRoutingIT} runs) changes only addresses,
 * ports, the socket path and TLS. No HAProxy needed.
 */
class HaproxyConfigTest {

    @Test
    void thePageShowsTheDocumentedFile() throws Exception {
        assertThat(HaproxyConfig.shownOnPage())
                .as("the first haproxy block of \"%s\" in %s must equal %s", HaproxyConfig.SECTION,
                        HaproxyConfig.PAGE, HaproxyConfig.FILE)
                .isEqualTo(HaproxyConfig.documented());
    }

    @Test
    void theTestConfigIsTheDocumentedOneOnLoopback() throws Exception {
        String documented = HaproxyConfig.documented();
        String tested = HaproxyConfig.forTest(documented, Path.of("/tmp/x/admin.sock"), 18080,
                new Server("n1", 18081, 18091), new Server("n2", 18082, 18092), 18099);

        assertThat(tested).doesNotContain("10.0.0.", "/run/haproxy", ":443", "redirect scheme https")
                .contains("stats socket /tmp/x/admin.sock mode 660 level admin")
                .contains("    bind 127.0.0.1:18080\n")
                .contains("    server n1 127.0.0.1:18081 port 18091\n")
                .contains("    server n2 127.0.0.1:18082 port 18092\n")
                .contains("    server n3 127.0.0.1:18099 disabled")
                .contains("    server www 127.0.0.1:18099\n");
        // Every other line is the documented one, in the same order.
        assertThat(kept(tested)).isEqualTo(kept(documented));
    }

    /** The lines the test does not edit: those naming neither a bind, a server, the socket nor the redirect. */
    private static List<String> kept(String config) {
        return config.lines()
                .filter(l -> !l.startsWith("# " + HaproxyConfig.FILE))
                .filter(l -> !l.matches("\\s*(bind|server|stats socket|http-request redirect) .*"))
                .toList();
    }
}
