package boshcm.bench.load.target;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.bench.load.client.Endpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start, measure and close order the Prosody and ejabberd targets share, with {@code sleep}
 * processes standing in for the XMPP server and the connection manager.
 */
class OneServerTargetTest {
    @TempDir
    Path dir;

    @Test
    void measuresTheConnectionManagerFirstAndStopsBoth() throws IOException {
        Fake server = new Fake("fake-server", false);
        Fake cm = new Fake("fake-cm", false);
        FakeTarget target = new FakeTarget(TargetKind.BOSHCM, server, cm);
        target.start();
        List<MeasuredProcess> processes = target.processes();
        assertThat(processes).extracting(MeasuredProcess::name).containsExactly("fake-cm", "fake-server");
        assertThat(processes.get(0).pid()).isEqualTo(cm.process.pid());
        assertThat(processes.get(1).pid()).isEqualTo(server.process.pid());
        assertThat(cm.upstreamPort).isEqualTo(5222);
        assertThat(target.diagnostics()).isEqualTo("fake-cm log 30\nfake-server log 30");
        target.close();
        assertThat(cm.process.isAlive()).isFalse();
        assertThat(server.process.isAlive()).isFalse();
    }

    @Test
    void measuresTheServerAloneWithoutAConnectionManager() throws IOException {
        Fake server = new Fake("fake-server", false);
        try (FakeTarget target = new FakeTarget(TargetKind.C2S, server, null)) {
            target.start();
            assertThat(target.processes()).containsExactly(new MeasuredProcess("fake-server", server.process.pid()));
            assertThat(target.diagnostics()).isEqualTo("fake-server log 30");
            assertThat(target.name()).isEqualTo(TargetKind.C2S.label());
        }
    }

    @Test
    void aConnectionManagerThatFailsToStartStopsTheServerAgain() {
        Fake server = new Fake("fake-server", false);
        FakeTarget target = new FakeTarget(TargetKind.BOSHCM, server, new Fake("fake-cm", true));
        assertThatThrownBy(target::start).isInstanceOf(IOException.class).hasMessage("fake-cm failed");
        assertThat(server.process.isAlive()).isFalse();
    }

    @Test
    void refusesATargetOfTheOtherServer() {
        assertThatThrownBy(() -> new FakeTarget(TargetKind.C2S_EJABBERD, new Fake("fake-server", false), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(TargetKind.C2S_EJABBERD + " does not end at Fake");
    }

    private ServerProcess sleep(String name) throws IOException {
        return ServerProcess.start(name, List.of("sleep", "60"), this.dir, Map.of(), this.dir.resolve(name + ".log"));
    }

    /**
     * A {@code sleep} process standing in for the XMPP server or the connection manager; one that
     * fails throws on start instead.
     */
    private final class Fake implements XmppServer, ConnectionManager {
        private final String name;
        private final boolean fails;
        ServerProcess process;
        int upstreamPort;

        Fake(String name, boolean fails) {
            this.name = name;
            this.fails = fails;
        }

        @Override
        public ServerProcess start() throws IOException {
            if (this.fails) {
                throw new IOException(this.name + " failed");
            }
            this.process = sleep(this.name);
            return this.process;
        }

        @Override
        public ServerProcess start(int upstreamPort) throws IOException {
            this.upstreamPort = upstreamPort;
            return this.start();
        }

        @Override
        public int c2sPort() {
            return 5222;
        }

        @Override
        public int httpPort() {
            return 5280;
        }

        @Override
        public String logTail(int lines) {
            return this.name + " log " + lines;
        }
    }

    private static final class FakeTarget extends OneServerTarget {
        FakeTarget(TargetKind kind, Fake server, Fake cm) {
            super(kind, TargetKind.Server.PROSODY, "Fake", server, "fake-server", cm, "example.com");
        }

        @Override
        public Endpoint endpoint() {
            return this.tcp(5222);
        }
    }
}
