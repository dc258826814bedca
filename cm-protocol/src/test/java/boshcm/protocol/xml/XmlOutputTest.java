package boshcm.protocol.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** UTF-8 encoding and escaping (XML 1.0 §2.2, §2.4, §3.3.3; checklist B-6-2, S-3). */
class XmlOutputTest {

    private static String text(XmlOutput o) {
        return new String(o.toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void B6_2_textEscapesMarkupAndCarriageReturn() {
        XmlOutput o = new XmlOutput(4);
        o.text("a<b>c&d'e\"f\r\n\tg");
        assertThat(text(o)).isEqualTo("a&lt;b&gt;c&amp;d'e\"f&#13;\n\tg");
    }

    @Test
    void B6_2_attributeEscapesQuoteAndWhitespace() {
        XmlOutput o = new XmlOutput(4);
        o.attributeValue("a<b>c&d'e\"f\r\n\tg");
        assertThat(text(o)).isEqualTo("a&lt;b>c&amp;d&apos;e\"f&#13;&#10;&#9;g");
        assertThat(XmlOutput.attributeValueLength("a<b>c&d'e\"f\r\n\tg")).isEqualTo(o.size());
    }

    @Test
    void B6_2_astralAndLineSeparatorAreUtf8() {
        String s = "\u2028 \uD83D\uDE00 é";
        XmlOutput o = new XmlOutput(1);
        o.text(s);
        assertThat(o.toByteArray()).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        assertThat(XmlOutput.attributeValueLength(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void surrogatePairSplitAcrossTextCallsIsJoined() {
        char[] c = "x\uD83D\uDE00y".toCharArray();
        XmlOutput o = new XmlOutput(1);
        o.text(c, 0, 2);
        o.text(c, 2, 2);
        assertThat(text(o)).isEqualTo("x\uD83D\uDE00y");
    }

    @Test
    void S3_charactersXmlForbidsAreNeverEmitted() {
        XmlOutput o = new XmlOutput(1);
        o.text("a\u0001b\uFFFEc\uD800d\uDC00e");
        o.attributeValue("\u0000");
        char[] lone = {'\uD83D'};
        o.text(lone, 0, 1);
        o.ascii('!');
        assertThat(text(o)).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD\uFFFD!");
    }

    @Test
    void largeTextGrowsTheBufferInSegments() {
        String big = "<&".repeat(10_000) + "\uD83D\uDE00".repeat(3000);
        XmlOutput o = new XmlOutput(8);
        char[] c = big.toCharArray();
        o.text(c, 0, c.length);
        assertThat(text(o)).isEqualTo("&lt;&amp;".repeat(10_000) + "\uD83D\uDE00".repeat(3000));
    }

    @Test
    void truncateAndClear() {
        XmlOutput o = new XmlOutput(8);
        o.ascii("<a>");
        int mark = o.size();
        o.text("xyz");
        o.truncate(mark);
        o.ascii("</a>");
        assertThat(text(o)).isEqualTo("<a></a>");
        o.clear(16);
        assertThat(o.size()).isZero();
    }

    @Test
    void exactSizedBufferIsReturnedWithoutCopy() {
        XmlOutput o = new XmlOutput(16);
        o.ascii("0123456789abcdef");
        assertThat(o.toByteArrayExact()).hasSize(16).isSameAs(o.toByteArrayExact());
    }
}
