package boshcm.protocol.body;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import boshcm.protocol.body.ParseOutcome.Parsed;
import boshcm.protocol.body.ParseOutcome.Rejected;
import boshcm.protocol.error.Condition;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** XEP-0124 §6, §7, §14 and XEP-0206 request bodies; checklist B-6-*, B-7.1-*, B-14.1-1, X-*, U-12, S-2, S-3. */
class BodyParserTest {

    static final String NS = "xmlns='" + Namespaces.HTTPBIND + "'";
    static final BodyParser PARSER = new BodyParser(BodyLimits.defaults());

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code <body rid='1' sid='s1' xmlns=httpbind ATTRS>INNER</body>}. */
    static String body(String attrs, String inner) {
        return "<body rid='1' sid='s1' " + NS + (attrs.isEmpty() ? "" : " " + attrs) + ">" + inner + "</body>";
    }

    static ClientBody parsed(String xml) {
        return parsed(PARSER, utf8(xml));
    }

    static ClientBody parsed(BodyParser parser, byte[] xml) {
        ParseOutcome outcome = parser.parse(xml);
        assertThat(outcome).isInstanceOf(Parsed.class);
        return ((Parsed) outcome).body();
    }

    static Rejected rejected(String xml) {
        return rejected(PARSER, utf8(xml));
    }

    static Rejected rejected(BodyParser parser, byte[] xml) {
        ParseOutcome outcome = parser.parse(xml);
        assertThat(outcome).as("%s", outcome).isInstanceOf(Rejected.class);
        return (Rejected) outcome;
    }

    static void badRequest(String xml) {
        assertThat(rejected(xml).condition()).as(xml).isEqualTo(Condition.BAD_REQUEST);
    }

    static List<String> payloadTexts(ClientBody b) {
        return b.payloads().stream().map(XmlPayload::text).toList();
    }

    // ---- attributes ---------------------------------------------------------------------------------

    @Test
    void B7_1_creationRequestAttributesAreTyped() {
        ClientBody b = parsed("<body rid='1573741820' to='example.com' xml:lang='en' ver='1.11' wait='60' hold='1'"
                + " ack='1' content='text/xml; charset=utf-8' route='xmpp:example.com:5222' from='u@example.com'"
                + " xmpp:version='1.0' newkey='k1' unknown='ignored' " + NS + " xmlns:xmpp='urn:xmpp:xbosh'/>");
        assertThat(b.rid()).isEqualTo(1573741820L);
        assertThat(b.isCreation()).isTrue();
        assertThat(b.to()).contains("example.com");
        assertThat(b.lang()).contains("en");
        assertThat(b.ver()).contains(new BoshVersion(1, 11));
        assertThat(b.waitSeconds()).hasValue(60);
        assertThat(b.hold()).hasValue(1);
        assertThat(b.ack()).hasValue(1);
        assertThat(b.content()).contains("text/xml; charset=utf-8");
        assertThat(b.route()).contains("xmpp:example.com:5222");
        assertThat(b.from()).contains("u@example.com");
        assertThat(b.xmppVersion()).contains("1.0");
        assertThat(b.newKey()).contains("k1");
        assertThat(b.key()).isEmpty();
        assertThat(b.type()).isEqualTo(BodyType.NONE);
        assertThat(b.restart()).isFalse();
        assertThat(b.isEmpty()).isTrue();
    }

    @Test
    void laterRequestAttributes() {
        ClientBody b = parsed("<body rid='2' sid='s1' key='k' stream='st' pause='120' ack='1' type='terminate' " + NS + "/>");
        assertThat(b.sid()).contains("s1");
        assertThat(b.key()).contains("k");
        assertThat(b.stream()).contains("st");
        assertThat(b.pause()).hasValue(120);
        assertThat(b.isTerminate()).isTrue();
        assertThat(b.isCreation()).isFalse();
    }

    @Test
    void typeOtherThanTerminateIsBadRequest() {
        badRequest(body("type='error'", ""));
        badRequest(body("type=''", ""));
    }

    @Test
    void B6_5_ridIsRequiredAndAPositiveInteger() {
        badRequest("<body sid='s1' " + NS + "/>");
        for (String rid : new String[] {"0", "-5", "1e3", "abc", "", " 5", "5 ", "+5", "0x10", "1.0"}) {
            badRequest("<body rid='" + rid + "' " + NS + "/>");
        }
        assertThat(parsed("<body rid='007' " + NS + "/>").rid()).isEqualTo(7);
    }

    @Test
    void B14_1_1_ridsUpTo2pow53minus1() {
        assertThat(parsed("<body rid='9007199254740000' " + NS + "/>").rid()).isEqualTo(9007199254740000L);
        assertThat(parsed("<body rid='9007199254740991' " + NS + "/>").rid()).isEqualTo(ClientBody.MAX_RID);
        badRequest("<body rid='9007199254740992' " + NS + "/>");
        badRequest("<body rid='" + "9".repeat(400) + "' " + NS + "/>");
        badRequest("<body rid='" + "9".repeat(400) + "x' " + NS + "/>");
    }

    /**
     * Fuzzing finding (BodyParserFuzzTest#writtenBodies, input ack-near-long-max-…): numbers within 9 of
     * Long.MAX_VALUE read as Long.MAX_VALUE. They are exact now; larger ones still saturate.
     */
    @Test
    void fuzzFinding_numbersAreExactUpToLongMax() {
        assertThat(BodyParser.digits("9223372036854775800")).isEqualTo(9223372036854775800L);
        assertThat(BodyParser.digits("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(BodyParser.digits("9223372036854775808")).isEqualTo(Long.MAX_VALUE);
        assertThat(BodyParser.digits("9".repeat(40))).isEqualTo(Long.MAX_VALUE);
        assertThat(BodyParser.digits("9".repeat(40) + "x")).isEqualTo(-1);
        assertThat(parsed(body("ack='9223372036854775806'", "")).ack()).hasValue(9223372036854775806L);
    }

    @Test
    void B7_1_2_verIsComparedAsIntegers() {
        BoshVersion v110 = parsed(body("ver='1.10'", "")).ver().orElseThrow();
        BoshVersion v19 = parsed(body("ver='1.9'", "")).ver().orElseThrow();
        assertThat(v110).isGreaterThan(v19);
        assertThat(v110.min(BoshVersion.V1_11)).isEqualTo(new BoshVersion(1, 10));
        assertThat(parsed(body("ver='2.0'", "")).ver().orElseThrow().min(BoshVersion.V1_11)).isEqualTo(BoshVersion.V1_11);
        badRequest(body("ver='1'", ""));
        badRequest(body("ver='1.x'", ""));
        badRequest(body("ver='" + "1".repeat(30) + ".1'", ""));
        assertThat(parsed(body("", "")).ver()).isEmpty();
    }

    @Test
    void B7_1_4_waitAndHoldAreCheckedAndClamped() {
        ClientBody none = parsed(body("", ""));
        assertThat(none.waitSeconds()).isEmpty();
        assertThat(none.hold()).isEmpty();
        badRequest(body("wait='x'", ""));
        badRequest(body("wait='-1'", ""));
        badRequest(body("hold='-1'", ""));
        badRequest(body("hold='1.5'", ""));
        ClientBody big = parsed(body("wait='70000' hold='300'", ""));
        assertThat(big.waitSeconds()).hasValue(65535);
        assertThat(big.hold()).hasValue(255);
        ClientBody huge = parsed(body("wait='" + "9".repeat(100) + "' hold='" + "9".repeat(100) + "' pause='"
                + "9".repeat(100) + "' ack='" + "9".repeat(100) + "'", ""));
        assertThat(huge.waitSeconds()).hasValue(65535);
        assertThat(huge.hold()).hasValue(255);
        assertThat(huge.pause()).hasValue(Integer.MAX_VALUE);
        assertThat(huge.ack()).hasValue(Long.MAX_VALUE);
        badRequest(body("ack='-1'", ""));
        badRequest(body("pause='soon'", ""));
    }

    @Test
    void X5_3_restartMatchedByNamespaceUriAndXsBoolean() {
        assertThat(parsed(body("xmlns:x='urn:xmpp:xbosh' x:restart='1'", "")).restart()).isTrue();
        assertThat(parsed(body("xmlns:xmpp='urn:xmpp:xbosh' xmpp:restart='true'", "")).restart()).isTrue();
        assertThat(parsed(body("xmlns:xmpp='urn:xmpp:xbosh' xmpp:restart='false'", "")).restart()).isFalse();
        assertThat(parsed(body("xmlns:xmpp='urn:xmpp:xbosh' xmpp:restart='0'", "")).restart()).isFalse();
        badRequest(body("xmlns:xmpp='urn:xmpp:xbosh' xmpp:restart='yes'", ""));
        // The xmpp: prefix bound to something else is not XBOSH, and an unprefixed restart is unknown.
        assertThat(parsed(body("xmlns:xmpp='urn:other' xmpp:restart='true'", "")).restart()).isFalse();
        assertThat(parsed(body("restart='true'", "")).restart()).isFalse();
    }

    // ---- the wrapper -------------------------------------------------------------------------------

    @Test
    void rootMustBeHttpbindBody() {
        Rejected noNs = rejected("<body rid='1' sid='s1'/>");
        assertThat(noNs.condition()).isEqualTo(Condition.BAD_REQUEST);
        assertThat(noNs.sid()).isEmpty();
        badRequest("<bod rid='1' " + NS + "/>");
        badRequest("<x:body rid='1' xmlns:x='urn:other'/>");
        assertThat(parsed("<h:body rid='1' xmlns:h='" + Namespaces.HTTPBIND + "'/>").rid()).isEqualTo(1);
    }

    @Test
    void emptyOrTruncatedInputIsBadRequest() {
        assertThat(PARSER.parse(new byte[0])).isInstanceOf(Rejected.class);
        badRequest("   ");
        assertThat(rejected("<body rid='1' sid='s7' " + NS + "><message>").sid()).contains("s7");
    }

    @Test
    void trailingContentAfterBodyIsBadRequest() {
        badRequest(body("", "") + "<body/>");
        badRequest(body("", "") + "junk");
        badRequest(body("", "") + "<!-- c -->");
        badRequest(body("", "") + "<?pi?>");
        assertThat(parsed(body("", "") + " \r\n").rid()).isEqualTo(1);
    }

    @Test
    void rejectionCarriesTheSidOfTheStartTag() {
        Rejected r = rejected(body("", "<message><!-- x --></message>"));
        assertThat(r.sid()).contains("s1");
        assertThat(r.reason()).contains("comment");
        assertThat(rejected("<body sid='s2' rid='zz' " + NS + "/>").sid()).contains("s2");
    }

    @Test
    void B6_4_whitespaceBetweenPayloadsIsTolerated() {
        ClientBody b = parsed(body("", "\n  <message to='a@example.com'/>\n\t<presence/>\r\n"));
        assertThat(payloadTexts(b)).containsExactly("<message to='a@example.com'/>", "<presence/>");
    }

    @Test
    void B6_4_textDirectlyInsideBodyIsBadRequest() {
        badRequest(body("", "hello"));
        badRequest(body("", "<presence/> x"));
        badRequest(body("", "<![CDATA[x]]>"));
        badRequest(body("", "&amp;"));
    }

    // ---- restricted XML (B-6-3, S-2, S-3) --------------------------------------------------------------

    @Test
    void B6_3_commentIsBadRequest() {
        badRequest(body("", "<!-- x --><presence xmlns='jabber:client'/>"));
        badRequest("<!-- x -->" + body("", ""));
    }

    @Test
    void B6_3_processingInstructionIsBadRequest() {
        badRequest(body("", "<?foo bar?>"));
        badRequest("<?foo bar?>" + body("", ""));
    }

    @Test
    void B6_3_xmlDeclarationIsAccepted() {
        assertThat(parsed("<?xml version='1.0' encoding='UTF-8'?>" + body("", "<presence/>")).payloads()).hasSize(1);
        assertThat(parsed("<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>" + body("", "")).rid()).isEqualTo(1);
        assertThat(parsed("<?xml version='1.0'?>" + body("", "")).rid()).isEqualTo(1);
    }

    @Test
    void B6_3_doctypeIsBadRequestAndNothingIsExpanded() {
        Rejected r = rejected("<!DOCTYPE body [<!ENTITY a 'EXPANDED'>]>" + body("", "<message><body>&a;</body></message>"));
        assertThat(r.condition()).isEqualTo(Condition.BAD_REQUEST);
        assertThat(r.reason()).doesNotContain("EXPANDED");
        badRequest("<!DOCTYPE body>" + body("", ""));
    }

    @Test
    void B6_3_entityReferencesOtherThanPredefinedAreBadRequest() {
        badRequest(body("", "<message><body>&foo;</body></message>"));
        badRequest(body("", "<message id='&foo;'/>"));
        badRequest(body("to='&foo;'", ""));
        badRequest(body("", "<message><body>&nbsp;</body></message>"));
    }

    @Test
    void predefinedEntitiesAndCharacterReferencesAreFine() {
        ClientBody b = parsed(body("", "<message id='&lt;&amp;&gt;&quot;&apos;&#65;&#x42;'><body>&lt;&amp;&gt;&quot;&apos;"
                + "&#x1F600;</body></message>"));
        assertThat(b.payloads().get(0).attribute("id")).contains("<&>\"'AB");
        assertThat(payloadTexts(b)).containsExactly(
                "<message id='&lt;&amp;>\"&apos;AB'><body>&lt;&amp;&gt;\"'\uD83D\uDE00</body></message>");
    }

    @Test
    void S2_billionLaughsIsRejectedFast() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE body [<!ENTITY lol0 'lol'>");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" '").append(("&lol" + (i - 1) + ";").repeat(10)).append("'>");
        }
        String xml = dtd + "]>" + body("", "<message><body>&lol9;</body></message>");
        assertTimeout(Duration.ofSeconds(2), () -> badRequest(xml));
        // Even without the DOCTYPE in front, the reference is refused rather than looked up.
        assertTimeout(Duration.ofSeconds(2), () -> badRequest(body("", "<message><body>&lol9;</body></message>")));
    }

    @Test
    void S2_externalEntitiesAreNeverRead(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET");
        Path dtd = dir.resolve("evil.dtd");
        Files.writeString(dtd, "<!ENTITY leak SYSTEM '" + secret.toUri() + "'>");
        String[] attacks = {
            "<!DOCTYPE body [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>" + body("", "<message><body>&xxe;</body></message>"),
            "<!DOCTYPE body [<!ENTITY xxe SYSTEM '" + secret.toUri() + "'>]>" + body("to='&xxe;'", ""),
            "<!DOCTYPE body [<!ENTITY % p SYSTEM '" + dtd.toUri() + "'> %p;]>" + body("", "<m>&leak;</m>"),
            "<!DOCTYPE body SYSTEM '" + dtd.toUri() + "'>" + body("", "<m>&leak;</m>"),
        };
        for (String attack : attacks) {
            Rejected r = rejected(attack);
            assertThat(r.condition()).isEqualTo(Condition.BAD_REQUEST);
            assertThat(r.reason()).doesNotContain("TOP-SECRET").doesNotContain("root:");
        }
    }

    @Test
    void S2_deepNestingIsRejectedFast() {
        String deep = "<a>".repeat(10_000) + "</a>".repeat(10_000);
        assertTimeout(Duration.ofSeconds(2), () -> badRequest(body("", deep)));
    }

    @Test
    void S2_depthLimitCountsBodyAsOne() {
        BodyParser parser = new BodyParser(new BodyLimits(64 * 1024, 4, 64, 1024, 1024, 8, 10));
        parsed(parser, utf8(body("", "<a><b><c/></b></a>"))); // body, a, b, c: depth 4
        assertThat(rejected(parser, utf8(body("", "<a><b><c><d/></c></b></a>"))).condition())
                .isEqualTo(Condition.BAD_REQUEST);
    }

    @Test
    void S2_manyAttributesAreRejectedFast() {
        StringBuilder attrs = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            attrs.append(" a").append(i).append("='1'");
        }
        String xml = body("", "<message" + attrs + "/>");
        BodyParser roomy = new BodyParser(new BodyLimits(4 << 20, 32, 64, 64 * 1024, 256 * 1024, 32, 1000));
        assertTimeout(Duration.ofSeconds(2), () ->
                assertThat(rejected(roomy, utf8(xml)).condition()).isEqualTo(Condition.BAD_REQUEST));
        // With the default 256 KiB body cap the size limit is hit first.
        assertThat(rejected(xml).condition()).isEqualTo(Condition.POLICY_VIOLATION);
    }

    @Test
    void S2_attributeLimitIsExact() {
        BodyParser parser = new BodyParser(new BodyLimits(64 * 1024, 8, 3, 1024, 1024, 8, 10));
        parsed(parser, utf8(body("", "<m a='1' b='2' c='3'/>")));
        assertThat(rejected(parser, utf8(body("", "<m a='1' b='2' c='3' d='4'/>"))).condition())
                .isEqualTo(Condition.BAD_REQUEST);
    }

    @Test
    void S2_sizeLimits() {
        BodyParser parser = new BodyParser(new BodyLimits(64 * 1024, 8, 8, 100, 100, 2, 3));
        parsed(parser, utf8(body("", "<m a='" + "x".repeat(100) + "'>" + "y".repeat(100) + "</m>")));
        assertThat(rejected(parser, utf8(body("", "<m a='" + "x".repeat(101) + "'/>"))).condition())
                .isEqualTo(Condition.BAD_REQUEST);
        assertThat(rejected(parser, utf8(body("", "<m>" + "y".repeat(101) + "</m>"))).condition())
                .isEqualTo(Condition.BAD_REQUEST);
        assertThat(rejected(parser, utf8(body("", "<m>" + "y".repeat(60) + "<![CDATA[" + "z".repeat(60) + "]]></m>")))
                .condition()).isEqualTo(Condition.BAD_REQUEST);
        parsed(parser, utf8(body("", "<m/><m/><m/>")));
        assertThat(rejected(parser, utf8(body("", "<m/><m/><m/><m/>"))).condition()).isEqualTo(Condition.BAD_REQUEST);
        parsed(parser, utf8(body("", "<m xmlns='urn:a' xmlns:b='urn:b'/>")));
        assertThat(rejected(parser, utf8(body("", "<m xmlns='urn:a' xmlns:b='urn:b' xmlns:c='urn:c'/>"))).condition())
                .isEqualTo(Condition.BAD_REQUEST);
    }

    @Test
    void S1_bodyOverTheByteLimitIsPolicyViolationWithItsSid() {
        BodyParser parser = new BodyParser(new BodyLimits(1024, 8, 8, 100, 100, 2, 3));
        Rejected r = rejected(parser, utf8(body("", "<m>" + "y".repeat(2000) + "</m>")));
        assertThat(r.condition()).isEqualTo(Condition.POLICY_VIOLATION);
        assertThat(r.sid()).contains("s1");
    }

    @Test
    void S3_forbiddenCharactersAreBadRequest() {
        badRequest(body("", "<message xmlns='jabber:client' to='p@example.com'><body>a&#1;b</body></message>"));
        badRequest(body("", "<m>&#0;</m>"));
        badRequest(body("", "<m>&#xD800;</m>"));
        badRequest(body("", "<m>&#xFFFE;</m>"));
        badRequest(body("", "<m a='&#1;'/>"));
        badRequest(body("", "<m>a\u0001b</m>"));
        badRequest(body("", "<m>a\uFFFEb</m>"));
        badRequest("<?xml version='1.1'?>" + body("", "<m>&#1;</m>"));
    }

    @Test
    void S3_loneSurrogateInUtf8IsBadRequest() {
        byte[] xml = utf8(body("", "<m>aXXXb</m>"));
        int i = new String(xml, StandardCharsets.UTF_8).indexOf("XXX");
        xml[i] = (byte) 0xED;
        xml[i + 1] = (byte) 0xA0;
        xml[i + 2] = (byte) 0x80;
        assertThat(rejected(PARSER, xml).condition()).isEqualTo(Condition.BAD_REQUEST);
    }

    @Test
    void B7_2_12_invalidUtf8IsBadRequest() {
        byte[] xml = utf8(body("", "<m>aXXb</m>"));
        int i = new String(xml, StandardCharsets.UTF_8).indexOf("XX");
        xml[i] = (byte) 0xC3;
        xml[i + 1] = 0x28;
        Rejected r = rejected(PARSER, xml);
        assertThat(r.condition()).isEqualTo(Condition.BAD_REQUEST);
        assertThat(r.sid()).contains("s1");
    }

    @Test
    void B7_2_12_onlyUtf8() {
        badRequest("<?xml version='1.0' encoding='ISO-8859-1'?>" + body("", ""));
        badRequest("<?xml version='1.0' encoding='US-ASCII'?>" + body("", ""));
        byte[] utf16 = ("\uFEFF" + body("", "")).getBytes(StandardCharsets.UTF_16BE);
        assertThat(rejected(PARSER, utf16).condition()).isEqualTo(Condition.BAD_REQUEST);
        assertThat(rejected(PARSER, body("", "").getBytes(StandardCharsets.UTF_16LE)).condition())
                .isEqualTo(Condition.BAD_REQUEST);
        ByteArrayOutputStream bom = new ByteArrayOutputStream();
        bom.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        bom.writeBytes(utf8(body("", "<presence/>")));
        assertThat(parsed(PARSER, bom.toByteArray()).payloads()).hasSize(1);
    }

    // ---- payloads ----------------------------------------------------------------------------------

    @Test
    void X2_4_unqualifiedStanzaIsForwardedAsJabberClient() {
        ClientBody b = parsed(body("", "<message to='p@example.com'><body>x</body></message>"));
        XmlPayload p = b.payloads().get(0);
        assertThat(p.text()).isEqualTo("<message to='p@example.com'><body>x</body></message>");
        assertThat(p.namespace()).isEqualTo(Namespaces.JABBER_CLIENT);
        assertThat(p.isStanza()).isTrue();
        assertThat(p.attributes()).isEqualTo(Map.of("to", "p@example.com"));
    }

    /** B-17.4-1, client to server: an error iq the client answers with goes upstream as it was sent. */
    @Test
    void B17_4_1_stanzaErrorFromTheClientIsForwardedUnchanged() {
        String iq = "<iq type='error' id='v1' to='example.com'><query xmlns='jabber:iq:version'/>"
                + "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                + "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>no &amp; thanks</text></error></iq>";
        ClientBody b = parsed(body("", "<iq xmlns='jabber:client'" + iq.substring(3)));
        assertThat(payloadTexts(b)).containsExactly(iq);
        assertThat(b.payloads().get(0).isStanza()).isTrue();
    }

    @Test
    void X2_4_prefixedStanzaIsUnprefixedUpstream() {
        assertThat(payloadTexts(parsed(body("", "<c:message xmlns:c='jabber:client' to='p@example.com'/>"))))
                .containsExactly("<message to='p@example.com'/>");
    }

    @Test
    void U12_prefixDeclaredOnBodyIsRedeclaredOnThePayload() {
        ClientBody b = parsed("<body rid='1' " + NS + " xmlns:e='urn:ex'><message xmlns='jabber:client'>"
                + "<e:x>1</e:x></message></body>");
        assertThat(payloadTexts(b)).containsExactly("<message><e:x xmlns:e='urn:ex'>1</e:x></message>");
    }

    @Test
    void B6_6_anyNamespaceIsRelayedNamespaceCorrect() {
        ClientBody b = parsed(body("", "<message xmlns='jabber:client' to='p@example.com'><x xmlns='urn:example:q' a='1'>"
                + "<y/></x></message><enable xmlns='urn:xmpp:sm:3' resume='true'/><r xmlns='urn:xmpp:sm:3'/>"));
        assertThat(payloadTexts(b)).containsExactly(
                "<message to='p@example.com'><x xmlns='urn:example:q' a='1'><y/></x></message>",
                "<enable xmlns='urn:xmpp:sm:3' resume='true'/>", "<r xmlns='urn:xmpp:sm:3'/>");
        assertThat(b.payloads().get(1).is("urn:xmpp:sm:3", "enable")).isTrue();
        assertThat(b.payloadBytes()).isEqualTo(b.payloads().stream().mapToInt(XmlPayload::size).sum());
    }

    @Test
    void X2_5_clientStarttlsIsBadRequest() {
        badRequest(body("", "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"));
    }

    @Test
    void X3_3_streamElementsAreBadRequest() {
        badRequest(body("", "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>"));
        badRequest(body("xmlns:stream='http://etherx.jabber.org/streams'", "<stream:features/>"));
        badRequest(body("", "<message><s:error xmlns:s='http://etherx.jabber.org/streams'/></message>"));
    }

    @Test
    void B6_2_specialCharactersSurviveARoundTrip() {
        String text = "&lt; &amp; ]]&gt; \u2028 \uD83D\uDE00 \" ' &#13;";
        ClientBody b = parsed(body("", "<message xmlns='jabber:client' id='q&apos;&quot;&#9;&#10;'><body>" + text
                + "</body></message>"));
        String out = b.payloads().get(0).text();
        assertThat(out).isEqualTo("<message id='q&apos;\"&#9;&#10;'><body>&lt; &amp; ]]&gt; \u2028 \uD83D\uDE00 \" ' &#13;"
                + "</body></message>");
        // Parse the payload again, wrapped in a body: same bytes.
        assertThat(payloadTexts(parsed(body("", out)))).containsExactly(out);
    }

    @Test
    void roundTripThroughTheUpstreamStreamAndBack() {
        String payloads = "<c:message xmlns:c='jabber:client' xmlns:e='urn:e' to='x@example.com'><e:x e:a='1' xml:lang='en'>"
                + "<c:body>t &lt;&amp;&gt; \uD83D\uDE00</c:body><y xmlns='urn:y'><e:z/></y></e:x></c:message>"
                + "<presence/><iq type='get' id='1'><query xmlns='jabber:iq:roster'/></iq>";
        ClientBody first = parsed(body("", payloads));
        StringBuilder stream = new StringBuilder("<stream:stream xmlns='jabber:client' xmlns:stream='"
                + Namespaces.STREAMS + "'>");
        first.payloads().forEach(p -> stream.append(p.text()));
        // What the server would see, read back by the tokenizer in client form, then re-sent by a client.
        var tokenizer = new boshcm.protocol.xmpp.StreamTokenizer(boshcm.protocol.xmpp.TokenizerOptions.defaults());
        StringBuilder again = new StringBuilder();
        for (var event : tokenizer.feed(java.nio.ByteBuffer.wrap(utf8(stream.toString())))) {
            if (event instanceof boshcm.protocol.xmpp.StreamEvent.Element e) {
                again.append(e.payload().text());
            }
        }
        ClientBody second = parsed(body("", again.toString()));
        assertThat(second.payloads()).isEqualTo(first.payloads());
    }

    // ---- robustness --------------------------------------------------------------------------------

    @Test
    void seededFuzzNeverThrows() {
        Random random = new Random(124);
        String[] seeds = {
            "<?xml version='1.0'?><body rid='1573741820' to='example.com' xml:lang='en' ver='1.11' wait='60' hold='1'"
                    + " xmpp:version='1.0' " + NS + " xmlns:xmpp='urn:xmpp:xbosh'/>",
            body("xmlns:xmpp='urn:xmpp:xbosh' xmpp:restart='true'", "<message xmlns='jabber:client' to='p@example.com'>"
                    + "<body>h\u00e9llo &lt;&amp; \uD83D\uDE00</body><x xmlns='urn:q' a='1'><y/></x></message> <presence/>"),
        };
        String alphabet = "<>&;'\"/!?=x:#[]-\u0000\u00e9\uD83D";
        for (int round = 0; round < 5000; round++) {
            byte[] xml = utf8(seeds[round % seeds.length]);
            int edits = 1 + random.nextInt(5);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(xml.length);
                switch (random.nextInt(3)) {
                    case 0 -> xml[at] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
                    case 1 -> xml[at] = (byte) random.nextInt(256);
                    default -> xml = java.util.Arrays.copyOf(xml, Math.max(0, at)); // truncation
                }
                if (xml.length == 0) {
                    break;
                }
            }
            ParseOutcome outcome = PARSER.parse(xml);
            assertThat(outcome).isNotNull();
            if (outcome instanceof Rejected r) {
                assertThat(r.condition()).isIn(Condition.BAD_REQUEST, Condition.POLICY_VIOLATION);
            }
        }
    }

    @Test
    void parseIsThreadSafe() {
        String xml = body("", "<message xmlns='jabber:client' to='p@example.com'><body>x</body></message>");
        List<XmlPayload> expected = parsed(xml).payloads();
        assertThat(IntStream.range(0, 2000).parallel().mapToObj(i -> parsed(xml).payloads()).distinct().toList())
                .containsExactly(expected);
    }

    @Test
    void offsetAndLengthSelectTheBody() {
        byte[] framed = utf8("JUNK" + body("", "<presence/>") + "MORE");
        ParseOutcome outcome = PARSER.parse(framed, 4, framed.length - 8);
        assertThat(outcome).isInstanceOf(Parsed.class);
        assertThat(((Parsed) outcome).body().sid()).isEqualTo(Optional.of("s1"));
    }
}
