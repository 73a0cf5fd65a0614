package dev.promptrelay.sandbox;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Renders the sandbox's stand-in for a generated image: a PNG of the asked size, its colours drawn from the prompt and
 * seed, plainly marked as a placeholder and showing the prompt. The same prompt and seed give the same picture.
 */
public final class PlaceholderImage {

    private PlaceholderImage() {
    }

    public static byte[] png(String prompt, long seed, int width, int height, String model) {
        return png(prompt, seed, "seed " + seed, width, height, model);
    }

    /** {@code seedLabel}: what the picture says of its seed, which a provider that chose it may not tell. */
    public static byte[] png(String prompt, long seed, String seedLabel, int width, int height, String model) {
        // mixed, so seeds next to each other (seed, seed+1 for a count) give colours far apart
        long hash = (seed + prompt.hashCode()) * 0x9E3779B97F4A7C15L;
        hash ^= hash >>> 29;
        float hue = (hash & 0xFFFF) / 65536f;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(hue, 0.55f, 0.85f), width, height,
                    Color.getHSBColor((hue + 0.3f) % 1f, 0.65f, 0.45f)));
            g.fillRect(0, 0, width, height);
            int unit = Math.max(10, Math.min(width, height) / 20);
            g.setColor(new Color(0, 0, 0, 150));
            g.fillRect(0, 0, width, unit * 2);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, unit));
            g.drawString("SANDBOX PLACEHOLDER", unit / 2, unit * 3 / 2);
            // a prompt in Chinese or any other script is drawn with a font that has its glyphs, not as boxes
            g.setFont(fontFor(prompt + model, Font.PLAIN, Math.max(9, unit * 3 / 4)));
            FontMetrics metrics = g.getFontMetrics();
            int y = unit * 3 + metrics.getAscent();
            for (String line : wrap(prompt, metrics, width - unit)) {
                if (y > height - unit - metrics.getHeight() * 3) {
                    break;
                }
                g.drawString(line, unit / 2, y);
                y += metrics.getHeight();
            }
            g.drawString(model, unit / 2, height - unit / 2 - metrics.getHeight());
            g.drawString(seedLabel + "  " + width + "x" + height, unit / 2, height - unit / 2);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The sans-serif font when it has every glyph of the text, else the first installed family that has them. */
    static Font fontFor(String text, int style, int size) {
        Font sans = new Font(Font.SANS_SERIF, style, size);
        if (sans.canDisplayUpTo(text) == -1) {
            return sans;
        }
        for (String family : Families.ALL) {
            Font font = new Font(family, style, size);
            if (font.canDisplayUpTo(text) == -1) {
                return font;
            }
        }
        return sans;
    }

    /** The installed font families, looked up once. */
    private static final class Families {
        static final String[] ALL = java.awt.GraphicsEnvironment.getLocalGraphicsEnvironment()
                .getAvailableFontFamilyNames();
    }

    /** Lines that fit: broken between words, and inside a word (CJK text has no spaces) that is wider than a line. */
    private static List<String> wrap(String text, FontMetrics metrics, int maxWidth) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split("\\s+")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (metrics.stringWidth(candidate) <= maxWidth) {
                line = new StringBuilder(candidate);
                continue;
            }
            if (!line.isEmpty()) {
                lines.add(line.toString());
                line = new StringBuilder();
            }
            for (int i = 0; i < word.length(); ) {
                int codePoint = word.codePointAt(i);
                String next = new String(Character.toChars(codePoint));
                if (!line.isEmpty() && metrics.stringWidth(line + next) > maxWidth) {
                    lines.add(line.toString());
                    line = new StringBuilder();
                }
                line.append(next);
                i += Character.charCount(codePoint);
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString());
        }
        return lines;
    }
}
