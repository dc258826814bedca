package boshcm.bench.load.chart;

import java.awt.Color;

/**
 * Series colours: the Okabe–Ito palette, which colour-blind readers can tell apart (its yellow,
 * too light on white, left out), then greys.
 */
public final class Palette {

    private static final Color[] COLORS = {
        new Color(0x0072B2), // blue
        new Color(0xD55E00), // vermillion
        new Color(0x009E73), // bluish green
        new Color(0xCC79A7), // reddish purple
        new Color(0xE69F00), // orange
        new Color(0x56B4E9), // sky blue
        new Color(0x000000), // black
        new Color(0x999999), // grey
    };

    private Palette() {}

    /** The {@code i}-th colour (from 0), repeating after the last. */
    public static Color color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }

    /** How many distinct colours there are. */
    public static int size() {
        return COLORS.length;
    }
}
