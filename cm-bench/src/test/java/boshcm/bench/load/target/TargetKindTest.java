package boshcm.bench.load.target;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TargetKindTest {

    @Test
    void everyTargetIsComparedWithRawC2sToItsOwnServer() {
        for (TargetKind k : TargetKind.values()) {
            assertThat(k.floor().server()).as(k.name()).isEqualTo(k.server());
            assertThat(k.floor().isFloor()).isTrue();
        }
        assertThat(TargetKind.NXB.floor()).isEqualTo(TargetKind.C2S);
        assertThat(TargetKind.EJABBERD_BOSH.floor()).isEqualTo(TargetKind.C2S_EJABBERD);
        assertThat(TargetKind.BOSHCM_EJABBERD.floor()).isEqualTo(TargetKind.C2S_EJABBERD);
        assertThat(TargetKind.BOSHCM.isFloor()).isFalse();
    }

    @Test
    void labelsAreUniqueAndFoundAgain() {
        for (TargetKind k : TargetKind.values()) {
            assertThat(TargetKind.byLabel(k.label())).isEqualTo(k);
            assertThat(TargetKind.parse(k.option())).isEqualTo(k);
        }
        assertThat(TargetKind.NXB.label()).isEqualTo("node-xmpp-bosh → Prosody");
        assertThat(TargetKind.C2S_EJABBERD.label()).isEqualTo("raw c2s → ejabberd");
        assertThat(TargetKind.EJABBERD_BOSH.label()).isEqualTo("ejabberd mod_bosh");
        assertThat(TargetKind.BOSHCM_EJABBERD.label()).isEqualTo("boshcm → ejabberd");
        assertThat(TargetKind.byLabel("Openfire")).isNull();
    }
}
