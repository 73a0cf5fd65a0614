package dev.promptrelay.gallery;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

import dev.promptrelay.output.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small JPEG copies of image outputs for the gallery, so a page of hundreds of results loads kilobytes, not the
 * full images. Each is made in the background once its output is in the outbox ({@link #ahead}), or when first asked
 * for if that has not happened yet, and kept in {@code <shared-dir>/thumbnails/}, never in the user's outbox. An image
 * already no larger than a thumbnail is its own.
 */
public class Thumbnails {

    private static final Logger LOG = LoggerFactory.getLogger(Thumbnails.class);

    /** The longest side of a thumbnail, in pixels. */
    static final int SIZE = 320;

    private static final Set<String> IMAGES = Set.of("png", "jpg", "jpeg", "gif", "bmp");

    private final Path folder;

    public Thumbnails(Path folder) {
        this.folder = folder;
    }

    /** Makes the thumbnail of an output just written to the outbox, so the gallery finds it ready. */
    public void ahead(Path output) {
        String name = output.getFileName().toString();
        if (!IMAGES.contains(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT))) {
            return;
        }
        try {
            of(output);
        } catch (IOException | RuntimeException e) {
            // the gallery tries again when the image is viewed, and answers 404 with the reason if it still cannot
            LOG.info("No thumbnail made of {} yet: {}", output, e.toString());
        }
    }

    /**
     * The thumbnail of an output, made now if it is missing or older than the output: the output itself when it is
     * no larger than a thumbnail, null when it is not an image Java can read (a video, WebP).
     */
    public Path of(Path output) throws IOException {
        Path thumbnail = folder.resolve(key(output) + ".jpg");
        if (Files.isRegularFile(thumbnail)
            && !Files.getLastModifiedTime(thumbnail).toInstant().isBefore(Files.getLastModifiedTime(output).toInstant())) {
            return thumbnail;
        }
        int[] size = size(output);
        if (size == null) {
            return null;
        }
        if (size[0] <= SIZE && size[1] <= SIZE) {
            return output;
        }
        BufferedImage image;
        try (InputStream in = Files.newInputStream(output)) {
            image = ImageIO.read(in);
        }
        if (image == null) {
            return null;
        }
        AtomicFiles.folder(thumbnail.getParent());
        Path temp = Files.createTempFile(thumbnail.getParent(), ".thumbnail-", ".jpg.part");
        try {
            write(scaled(image), temp);
            Files.move(temp, thumbnail, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
        return thumbnail;
    }

    /** Width and height from the image's header alone, or null when no reader knows the format. */
    private static int[] size(Path output) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(output.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        }
    }

    /** One file per output path, in 256 folders: the name says nothing of the prompt, and no folder grows huge. */
    private static String key(Path output) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest(output.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            String hex = HexFormat.of().formatHex(hash, 0, 16);
            return hex.substring(0, 2) + "/" + hex;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
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
