package boshcm.bench.load.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XmlScannerTest {

    private final XmlScanner s = new XmlScanner();

    private void scan(String xml) {
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        s.reset(b, 0, b.length);
    }

    @Test
    void startEmptyEndAndTextTokens() {
        scan("<?xml version='1.0'?><iq type='result'><bind/>text</iq>");
        assertThat(s.next()).isEqualTo(XmlScanner.START);
        assertThat(s.localNameIs("iq")).isTrue();
        assertThat(s.next()).isEqualTo(XmlScanner.EMPTY);
        assertThat(s.localNameIs("bind")).isTrue();
        assertThat(s.next()).isEqualTo(XmlScanner.TEXT);
        assertThat(s.text()).isEqualTo("text");
        assertThat(s.next()).isEqualTo(XmlScanner.END);
        assertThat(s.localNameIs("iq")).isTrue();
        assertThat(s.next()).isEqualTo(XmlScanner.INCOMPLETE);
    }

    @Test
    void attributesWithEitherQuoteAndAGreaterThanInside() {
        scan("<message to=\"a@b/c\" type='chat' note='x>y' xml:lang='en'/>");
        assertThat(s.next()).isEqualTo(XmlScanner.EMPTY);
        assertThat(s.attributeValue("to")).isEqualTo("a@b/c");
        assertThat(s.attributeIs("type", "chat")).isTrue();
        assertThat(s.attributeValue("note")).isEqualTo("x>y");
        assertThat(s.attributeValue("xml:lang")).isEqualTo("en");
        assertThat(s.attributeValue("lang")).isNull();
        assertThat(s.attributeValue("from")).isNull();
    }

    @Test
    void prefixedNamesMatchByLocalName() {
        scan("<stream:features xmlns:stream='http://etherx.jabber.org/streams'>");
        assertThat(s.next()).isEqualTo(XmlScanner.START);
        assertThat(s.localNameIs("features")).isTrue();
        assertThat(s.qualifiedName()).isEqualTo("stream:features");
    }

    @Test
    void entitiesAreDecodedInStrings() {
        scan("<jid>o&apos;brien@x&amp;y/r&#233;s&#x21;</jid>");
        s.next();
        assertThat(s.next()).isEqualTo(XmlScanner.TEXT);
        assertThat(s.text()).isEqualTo("o'brien@x&y/rés!");
    }

    @Test
    void anUnfinishedTagIsIncompleteAndConsumesNothing() {
        scan("<message to='a@b");
        assertThat(s.next()).isEqualTo(XmlScanner.INCOMPLETE);
        assertThat(s.position()).isZero();
    }

    @Test
    void commentsAndCdata() {
        scan("<a><!-- c --><![CDATA[1 <2>]]></a>");
        s.next();
        assertThat(s.next()).isEqualTo(XmlScanner.TEXT);
        assertThat(s.text()).isEqualTo("1 <2>");
        assertThat(s.next()).isEqualTo(XmlScanner.END);
    }

    @Test
    void numbersAreReadWithoutAllocating() {
        scan("<body> 17 81234567890123</body>");
        s.next();
        s.next();
        long seq = s.number(s.textStart(), s.textEnd());
        long ts = s.number(s.numberEnd(), s.textEnd());
        assertThat(seq).isEqualTo(17);
        assertThat(ts).isEqualTo(81234567890123L);
        assertThat(s.number(s.numberEnd(), s.textEnd())).isEqualTo(-1);
    }

    @Test
    void skipElementSkipsNestedChildren() {
        scan("<presence><x><y/></x><status>hi</status></presence><next/>");
        s.next();
        assertThat(s.skipElement()).isTrue();
        assertThat(s.next()).isEqualTo(XmlScanner.EMPTY);
        assertThat(s.localNameIs("next")).isTrue();
    }
}
