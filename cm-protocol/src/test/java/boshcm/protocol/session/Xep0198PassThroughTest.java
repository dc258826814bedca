package boshcm.protocol.session;

import static boshcm.protocol.session.Req.serverMsg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.XmlPayload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * XEP-0198 in pass-through mode (checklist SM-11 mode A; issue 3, part 1): the client's own SM
 * elements travel untouched; when the BOSH session ends without the client's terminate and the client
 * had resumption enabled, the upstream is dropped without a closing tag so the server keeps the
 * session resumable, and the stanzas the browser never read are left for the server to retransmit.
 */
class Xep0198PassThroughTest {

    private SessionFixture f;

    private static XmlPayload sm(String name, Map<String, String> attributes, String xml) {
        return new XmlPayload("urn:xmpp:sm:3", name, attributes, xml.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void setUp() {
        f = new SessionFixture();
        f.create(Req.create(1000).waitSecs(3));
        f.serverReady();
    }

    private void enableSm(boolean resume) {
        XmlPayload enable = sm("enable", resume ? Map.of("resume", "true") : Map.of(),
                "<enable xmlns='urn:xmpp:sm:3'" + (resume ? " resume='true'" : "") + "/>");
        f.send(Req.rid(1001).payload(enable));
        f.serverSends(sm("enabled", resume ? Map.of("id", "sm1", "resume", "true") : Map.of("id", "sm1"),
                "<enabled xmlns='urn:xmpp:sm:3' id='sm1'" + (resume ? " resume='true'" : "") + "/>"));
        assertThat(f.sentUpstream()).as("SM-11 A: the client's enable goes upstream untouched").contains(enable);
    }

    @Test
    void sm11_clientSmElementsPassThroughAndInactivityLeavesAResumableSessionWithoutClosingTag() {
        enableSm(true);
        f.send(Req.rid(1002));
        f.advance(Duration.ofSeconds(3));                              // 1002 answered at wait; nothing held
        f.serverSends(serverMsg("while-away"));
        assertThat(f.ended()).isEmpty();
        f.advance(Duration.ofSeconds(3));                              // inactivity
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.INACTIVITY);
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::mode).containsExactly(CloseMode.ABORT);
        assertThat(f.all(Effect.Bounce.class)).as("the server retransmits it on resume").isEmpty();
        assertThat(f.all(Effect.Undeliverable.class)).isEmpty();
    }

    @Test
    void sm11_clientTerminateClosesTheStreamProperlyEvenWithResumption() {
        enableSm(true);
        f.send(Req.rid(1002).terminate());
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::mode).containsExactly(CloseMode.GRACEFUL);
    }

    @Test
    void sm11_withoutResumptionInactivityClosesGracefullyAndBounces() {
        enableSm(false);
        f.send(Req.rid(1002));
        f.advance(Duration.ofSeconds(3));
        f.serverSends(serverMsg("while-away"));
        assertThat(f.ended()).isEmpty();
        f.advance(Duration.ofSeconds(3));
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::mode).containsExactly(CloseMode.GRACEFUL);
        assertThat(f.bouncedIds(f.all(Effect.OpenUpstream.class).get(0).stream())).containsExactly("while-away");
    }

    @Test
    void sm11_shutdownAlsoLeavesAResumableSessionResumable() {
        enableSm(true);
        f.apply(f.session.onShutdown(f.now));
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::mode).containsExactly(CloseMode.ABORT);
    }
}
