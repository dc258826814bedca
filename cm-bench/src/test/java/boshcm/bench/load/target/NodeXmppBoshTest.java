package boshcm.bench.load.target;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NodeXmppBoshTest {

    @Test
    void configListensOnLoopbackAndSendsEveryStreamToTheGivenC2sPort() {
        String config = NodeXmppBosh.config(Path.of("/w/nxb/bench-upstream.js"), "127.0.0.1", 41234, 45222);
        assertThat(config)
                .contains("var upstream = require('/w/nxb/bench-upstream.js');")
                .contains("exports.config = {")
                .contains("port: 41234,")
                .contains("host: '127.0.0.1',")
                .contains("path: /^\\/http-bind(\\/+)?$/,")
                .contains("logging: 'WARN',")
                .contains("lookup_service: upstream.fixed('127.0.0.1', 45222)");
        // node-xmpp-bosh's own defaults stay: no limit or timing option is set.
        assertThat(config).doesNotContain("max_bosh_connections", "window_size", "inactivity", "pidgin_compatible");
    }

    @Test
    void pathsBecomeJavaScriptStringLiterals() {
        assertThat(NodeXmppBosh.jsString("/a/b")).isEqualTo("'/a/b'");
        assertThat(NodeXmppBosh.jsString("/it's\\here\n")).isEqualTo("'/it\\'s\\\\here\\n'");
    }
}
