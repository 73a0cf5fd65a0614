package dev.promptrelay.prompt;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import dev.promptrelay.output.AtomicFiles;
import dev.promptrelay.output.FileNames;

/**
 * Input pictures for image-to-* jobs. A prompt file names one by URL, data URI, or a path relative to the inbox (a
 * subfolder such as {@code inbox/images/}, which the inbox watcher leaves alone). A local picture is copied into the
 * state directory when its prompt file is taken in, so the job can still be sent after a restart, and goes to the
 * provider as a data URI.
 */
public class InputImages {

    static final Map<String, String> MEDIA_TYPES = Map.of("png", "image/png", "jpg", "image/jpeg", "jpeg",
            "image/jpeg", "webp", "image/webp");

    private final Path inbox;
    private final Path kept;
    private final long maxBytes;

    public InputImages(Path inbox, Path kept, long maxBytes) {
        this.inbox = inbox;
        this.kept = kept;
        this.maxBytes = maxBytes;
    }

    /** The image as the job will carry it: a URL or data URI unchanged, a local file as the path of a kept copy. */
    String keep(String image, String file, Integer line) {
        if (image.matches("(?s)(https?://|data:image/).+")) {
            return image;
        }
        String fix = "put the picture in a folder inside the inbox, such as inbox/images/, and give its path from "
                     + "there (images/cat.png), or give an http(s) URL";
        Path path;
        try {
            path = inbox.resolve(image).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new PromptFileException(file, line, "image", "'" + image + "' is not a file path", fix);
        }
        if (!path.startsWith(inbox) || path.getParent().equals(inbox)) {
            throw new PromptFileException(file, line, "image", "'" + image + "' is not inside a folder of the inbox",
                    fix);
        }
        String extension = FileNames.lowerCaseExtension(path.getFileName().toString());
        if (!MEDIA_TYPES.containsKey(extension)) {
            throw new PromptFileException(file, line, "image", "'" + image + "' is not a .png, .jpg or .webp picture",
                    "convert it to PNG, JPEG or WebP");
        }
        try {
            if (!Files.isRegularFile(path)) {
                throw new PromptFileException(file, line, "image", "the input image '" + image + "' does not exist", fix);
            }
            long size = Files.size(path);
            if (size > maxBytes) {
                throw new PromptFileException(file, line, "image", "the input image '" + image + "' is " + size
                                                                   + " bytes, more than the limit of " + maxBytes,
                        "scale it down, or raise promptrelay.max-input-image-bytes");
            }
            Path copy = kept.resolve(AtomicFiles.sha256Of(path) + "." + extension);
            if (!Files.exists(copy)) {
                AtomicFiles.write(copy, Files.readAllBytes(path));
            }
            return copy.toString();
        } catch (IOException e) {
            throw new PromptFileException(file, line, "image", "the input image '" + image + "' could not be read: "
                                                               + e.getMessage(), "check that promptrelay may read it");
        }
    }

    /** What a provider receives for an image a job carries: a URL or data URI as is, a kept file as a data URI. */
    public static String asUri(String image) {
        if (image == null || image.matches("(?s)(https?://|data:image/).+")) {
            return image;
        }
        Path path = Path.of(image);
        try {
            String type = MEDIA_TYPES.getOrDefault(FileNames.lowerCaseExtension(path.getFileName().toString()),
                    "image/png");
            return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException("the kept input image " + path + " could not be read", e);
        }
    }
}
