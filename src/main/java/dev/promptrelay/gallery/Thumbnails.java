package dev.promptrelay.gallery;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Small JPEG copies of image outputs for the gallery, so a page of hundreds of results loads kilobytes, not the
 * full images. Each is made once, the first time it is asked for, and kept in {@code <shared-dir>/thumbnails/},
 * never in the user's outbox; the pipeline that stores results pays nothing for them.
 */
public class Thumbnails {

    /** The longest side of a thumbnail, in pixels. */
    static final int SIZE = 320;

    private final Path folder;

    public Thumbnails(Path folder) {
        this.folder = folder;
    }

    /**
     * The thumbnail of a request's n-th output, made now if it is missing or older than the output; null when the
     * output is not an image Java can read (a video, WebP).
     */
    public Path of(String requestId, int n, Path output) throws IOException {
        Path thumbnail = folder.resolve(requestId).resolve(n + ".jpg");
        if (Files.isRegularFile(thumbnail)
            && !Files.getLastModifiedTime(thumbnail).toInstant().isBefore(Files.getLastModifiedTime(output).toInstant())) {
            return thumbnail;
        }
        BufferedImage image;
        try (InputStream in = Files.newInputStream(output)) {
            image = ImageIO.read(in);
        }
        if (image == null) {
            return null;
        }
        Files.createDirectories(thumbnail.getParent());
        Path temp = Files.createTempFile(thumbnail.getParent(), "." + n + "-", ".jpg.part");
        try {
            write(scaled(image), temp);
            Files.move(temp, thumbnail, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return thumbnail;
    }

    static BufferedImage scaled(BufferedImage image) {
        double scale = Math.min(1.0, (double) SIZE / Math.max(image.getWidth(), image.getHeight()));
        int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        // JPEG has no alpha: transparent parts come out white, as on the page
        BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return small;
    }

    private static void write(BufferedImage image, Path target) throws IOException {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = writers.next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(target.toFile())) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
