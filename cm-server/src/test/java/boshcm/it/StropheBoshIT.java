package boshcm.it;

import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.nick;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.BoshTarget.BoshService;
import boshcm.it.SmackClients.Inbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * strophe.js 5 in headless Debian Chromium (playwright-core, {@code src/test/js/run-strophe.mjs})
 * against the selected BOSH target. The page comes from another origin (its own loopback port), so
 * every BOSH POST is a cross-origin {@code text/xml} request and is preflighted (checklist H-1, H-2).
 * A Smack TCP peer echoes chat messages and owns the MUC room the browser joins.
 *
 * <p>Needs {@code node} and {@code npm ci} in {@code src/test/js}; {@code scripts/test.sh} does both.
 */
@ExtendWith(LiveXmppExtension.class)
class StropheBoshIT {

    private static final Path JS_DIR = Path.of("src/test/js").toAbsolutePath();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]+)");

    private static ProsodyServer prosody;
    private static BoshService bosh;

    private final SmackClients clients = new SmackClients();

    @BeforeAll
    static void start(ProsodyServer server, BoshService service) {
        assertThat(JS_DIR.resolve("node_modules/playwright-core")).as("run `npm ci` in " + JS_DIR).isDirectory();
        assertThat(JS_DIR.resolve("node_modules/strophe.js")).as("run `npm ci` in " + JS_DIR).isDirectory();
        prosody = server;
        bosh = service;
    }

    @AfterEach
    void disconnectAll() {
        clients.close();
    }

    /**
     * A browser session end to end: SCRAM login, chat both ways, MUC join and groupchat, terminate.
     * strophe.js lets the client ask for {@code hold} in {@code connect()} and then follows the hold
     * the CM grants (XEP-0124 §7.1/§7.2), though it never keeps more than two requests open.
     */
    @ParameterizedTest(name = "hold={0}")
    @ValueSource(ints = {1, 2})
    void stropheInChromiumChatsJoinsMucAndDisconnectsCrossOrigin(int hold) throws Exception {
        XmppUser alice = prosody.createUser("strophe");
        XmppUser bob = prosody.createUser("strophepeer");
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        EntityBareJid roomJid = JidCreate.entityBareFrom("browser-" + alice.localpart() + "@" + prosody.mucDomain());
        MultiUserChat room = MultiUserChatManager.getInstanceFor(peer).getMultiUserChat(roomJid);
        room.create(nick("bob")).makeInstant();
        var browserOccupant = JidCreate.entityFullFrom(roomJid + "/alice");
        Inbox<Message> roomInbox = inbox(peer, s -> browserOccupant.equals(s.getFrom()), Message.class);
        peer.addSyncStanzaListener(stanza -> {
            Message m = (Message) stanza;
            try {
                peer.sendStanza(peer.getStanzaFactory().buildMessageStanza()
                        .to(m.getFrom()).ofType(Message.Type.chat).setBody("echo: " + m.getBody()).build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, s -> s instanceof Message m && m.getType() == Message.Type.chat && m.getBody() != null
                && m.getFrom() != null && m.getFrom().asBareJid().equals(alice.jid()));

        String config = json(Map.of(
                "bosh", bosh.uri().toString(),
                "jid", alice.jidString(), "password", alice.password(),
                "peer", bob.jidString(), "room", roomJid.toString(), "nick", "alice",
                "hold", hold));
        NodeRun run = runNode(config);
        Map<String, String> summary = run.summary();

        assertThat(summary.get("ok")).as(run.describe()).isEqualTo("true");
        assertThat(summary.get("steps")).as(run.describe())
                .isEqualTo("connected,message-sent,echo-received,muc-joined,groupchat-reflected,disconnected");
        assertThat(Integer.parseInt(summary.get("preflights"))).as("CORS preflights seen by Chromium\n" + run.describe())
                .isPositive();
        assertThat(summary.get("allowOrigin")).as(run.describe()).isIn(summary.get("pageOrigin"), "*");
        assertThat(roomInbox.next(m -> m.getBody() != null && m.getBody().startsWith("groupchat-strophe-"), TIMEOUT))
                .as("the browser's groupchat message, seen by the TCP occupant").isNotNull();
        System.err.println("[StropheBoshIT] hold=" + hold + " against " + bosh + ": " + summary);
    }

    private record NodeRun(int exitCode, String stdout, String stderr) {
        Map<String, String> summary() {
            String line = stdout.lines().filter(l -> l.startsWith("SUMMARY ")).reduce((a, b) -> b).orElse("{}");
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(line.substring(line.indexOf('{')));
            while (m.find()) {
                fields.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2).trim());
            }
            return fields;
        }

        String describe() {
            return "node exited " + exitCode + "\n--- stdout (report; browser console in \"console\")\n" + stdout
                    + "\n--- stderr\n" + stderr;
        }
    }

    private static NodeRun runNode(String config) throws IOException, InterruptedException {
        Path out = Files.createTempFile("strophe-it", ".out");
        Path err = Files.createTempFile("strophe-it", ".err");
        try {
            Process node = new ProcessBuilder("node", "run-strophe.mjs", config)
                    .directory(JS_DIR.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!node.waitFor(NODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
                node.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("node did not finish within " + NODE_TIMEOUT + "\n"
                        + new NodeRun(-1, read(out), read(err)).describe());
            }
            return new NodeRun(node.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** A flat JSON object; values are strings or numbers. */
    private static String json(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((key, value) -> {
            if (out.length() > 1) out.append(',');
            out.append('"').append(key).append("\":");
            if (value instanceof Number) out.append(value);
            else out.append('"').append(value.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        });
        return out.append('}').toString();
    }
}
