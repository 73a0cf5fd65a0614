package dev.promptrelay.sandbox;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Chinese prompt on a sandbox placeholder is drawn with glyphs, not the boxes of a font that lacks them (the
 * machine needs a CJK font; .ci/run installs fonts-wqy-microhei).
 */
class PlaceholderTextTest {

    static final String PROMPT = "一只金色的猫在雪地里";

    @Test
    void aFontWithTheGlyphsIsInstalledAndChosen() {
        Font font = PlaceholderImage.fontFor(PROMPT, Font.PLAIN, 24);
        assertThat(font.canDisplayUpTo(PROMPT)).as(font + " lacks glyphs: install a CJK font (fonts-wqy-microhei)")
                .isEqualTo(-1);
    }

    @Test
    void theGlyphsAreDrawnNotBoxes() throws Exception {
        // the same text drawn with the chosen font and with a font that has no CJK glyph must look different
        BufferedImage chosen = draw(PlaceholderImage.fontFor(PROMPT, Font.PLAIN, 24));
        BufferedImage boxes = draw(new Font("DejaVu Sans", Font.PLAIN, 24));
        assertThat(differentPixels(chosen, boxes)).isGreaterThan(200);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(PlaceholderImage.png(PROMPT, 1, 512, 512, "m")));
        assertThat(image.getWidth()).isEqualTo(512);
    }

    private static BufferedImage draw(Font font) {
        BufferedImage image = new BufferedImage(400, 60, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.setFont(font.deriveFont(24f));
        g.drawString(PROMPT, 5, 40);
        g.dispose();
        return image;
    }

    private static int differentPixels(BufferedImage a, BufferedImage b) {
        int different = 0;
        for (int x = 0; x < a.getWidth(); x++) {
            for (int y = 0; y < a.getHeight(); y++) {
                if (a.getRGB(x, y) != b.getRGB(x, y)) {
                    different++;
                }
            }
        }
        return different;
    }
}
