package boshcm.bench.load.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchEjabberdTest {

    @Test
    void configHasPlainC2sWithoutShaperAndBoshAndTheApiOnLoopback() {
        String yml = BenchEjabberd.config(45222, 45280, "warning");
        assertThat(yml).doesNotContain("\t");
        assertThat(yml)
                .contains("  - \"bench.test\"\n  - \"anon.bench.test\"\n")
                .contains("loglevel: warning\n")
                .contains("    port: 45222\n    ip: \"127.0.0.1\"\n    module: ejabberd_c2s\n    backlog: 1024\n    starttls: false\n    shaper: none\n")
                .contains("    max_fsm_queue: 1000000\n")
                .contains("    port: 45280\n    ip: \"127.0.0.1\"\n    module: ejabberd_http\n    backlog: 1024\n")
                .contains("      /bosh: mod_bosh\n      /api: mod_http_api\n")
                .contains("auth_method: internal\nauth_password_format: plain\n")
                .contains("  \"anon.bench.test\":\n    auth_method: anonymous\n    anonymous_protocol: sasl_anon\n")
                .contains("      - mod_http_api\n    who:\n      acl: loopback\n    what:\n      - register\n");
        // No certificate (so no STARTTLS), no offline storage, no stream management.
        assertThat(yml).doesNotContain("certfiles", "starttls_required", "mod_offline", "mod_stream_mgmt", "c2s_shaper");
    }

    @Test
    void ctlConfigBindsDistributionToLoopbackWithoutEpmd() {
        String cfg = BenchEjabberd.ctlConfig("boshcmabc", 45333, List.of());
        assertThat(cfg).contains("ERL_OPTIONS=\"-setcookie boshcmabc -kernel inet_dist_use_interface {127,0,0,1} -env ERL_CRASH_DUMP_BYTES 0\"\n")
                .contains("ERL_DIST_PORT=45333\n").contains("ERL_MAX_PORTS=262144\n");
        assertThat(BenchEjabberd.ctlConfig("c", 1, List.of("+sbwt", "none")))
                .contains("ERL_CRASH_DUMP_BYTES 0 +sbwt none\"");
    }

    @Test
    void registrationAnswers() {
        assertThat(BenchEjabberd.registerJson("u7", "bench.test", "p7"))
                .isEqualTo("{\"user\":\"u7\",\"host\":\"bench.test\",\"password\":\"p7\"}");
        assertThat(BenchEjabberd.registered(200, "\"User u1@bench.test successfully registered\"")).isTrue();
        assertThat(BenchEjabberd.registered(409,
                "{\"status\":\"error\",\"code\":10090,\"message\":\"User u1@bench.test already registered\"}")).isTrue();
        assertThat(BenchEjabberd.registered(403, "{\"status\":\"error\",\"code\":32,\"message\":\"AccessRules: Account does not have the right to perform the operation.\"}")).isFalse();
        assertThat(BenchEjabberd.registered(500, "")).isFalse();
    }
}
