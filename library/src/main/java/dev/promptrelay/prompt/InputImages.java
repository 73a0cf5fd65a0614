package dev.promptrelay.prompt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import dev.promptrelay.output.AtomicFiles;

/**
 * Input pictures for image-to-* jobs. A prompt file names one by URL, data URI, or a path relative to the inbox (a
 * subfolder such as {@code inbox/images/}, which the inbox watcher leaves alone). A local picture must really be
 * there: a regular file whose real path (symbolic links resolved) lies in a folder of the inbox, a PNG, JPEG or WebP
 * by its content, within the size limit. Only once every job of its file passed every check is it copied into the
 * state directory, by content, so the job can still be sent after a restart; it goes to the provider as a data URI.
 */
public class InputImages {

    private final Path inbox;
    private final Path kept;
    private final long maxBytes;

    public InputImages(Path inbox, Path kept, long maxBytes) {
        this.inbox = inbox;
        this.kept = kept;
        this.maxBytes = maxBytes;
    }

    /** A picture as a prompt file gives it: checked, nothing copied yet. */
    String check(String image, String file, Integer line) {
        if (isRemote(image)) {
            return image;
        }
        local(image, file, line);
        return image;
    }

    /**
     * Copies the local pictures of jobs that passed every check, by content, and names the copy in each job. The
     * pictures are checked again, as they are copied: what is sent is what was checked.
     */
    public List<JobSpec> keep(List<JobSpec> jobs, String file) throws IOException {
        List<JobSpec> keptJobs = new ArrayList<>(jobs.size());
        for (JobSpec job : jobs) {
            if (job.image() == null || isRemote(job.image()) || job.keptImage() != null) {
                keptJobs.add(job);
                continue;
            }
            Local picture = local(job.image(), file, job.line());
            keptJobs.add(job.withKeptImage(copy(picture, file, job.line())));
        }
        return keptJobs;
    }

    /** What a provider receives for a job's picture: a URL or data URI as is, a kept picture as a data URI. */
    public JobSpec asSent(JobSpec job) {
        String keptName = job.keptImage();
        if (keptName == null && job.image() != null && !isRemote(job.image()) && Path.of(job.image()).isAbsolute()) {
            // journaled by an earlier version, as the copy's absolute path
            keptName = Path.of(job.image()).getFileName().toString();
        }
        if (keptName == null) {
            return job;
        }
        Path copy = kept.resolve(Path.of(keptName).getFileName());
        try {
            byte[] content = Files.readAllBytes(copy);
            String type = PictureType.of(content);
            return job.withImage("data:" + (type == null ? "image/png" : type) + ";base64,"
                                 + Base64.getEncoder().encodeToString(content));
        } catch (IOException e) {
            throw new UncheckedIOException("the kept input image " + copy + " could not be read", e);
        }
    }

    private static boolean isRemote(String image) {
        return image.matches("(?s)(https?://|data:image/).+");
    }

    /** A local picture that passed every check, by its real path. */
    private record Local(Path real, String image) {
    }

    private Local local(String image, String file, Integer line) {
        String fix = "put the picture in a folder inside the inbox, such as inbox/images/, and give its path from "
                     + "there (images/cat.png), or give an http(s) URL";
        Path path;
        try {
            path = inbox.resolve(image).normalize();
        } catch (InvalidPathException e) {
            throw new PromptFileException(file, line, "image", "'" + image + "' is not a file path", fix);
        }
        if (!path.startsWith(inbox) || path.getParent().equals(inbox)) {
            throw new PromptFileException(file, line, "image", "'" + image + "' is not inside a folder of the inbox",
                    fix);
        }
        Path real;
        Path realInbox;
        try {
            realInbox = inbox.toRealPath();
            real = path.toRealPath();
        } catch (NoSuchFileException e) {
            throw new PromptFileException(file, line, "image", "the input image '" + image + "' does not exist", fix);
        } catch (IOException e) {
            throw unreadable(image, file, line, e);
        }
        if (!real.startsWith(realInbox) || real.getParent().equals(realInbox)) {
            throw new PromptFileException(file, line, "image", "the input image '" + image
                                                               + "' is a symbolic link to a file outside the inbox's folders",
                    "copy the picture itself into a folder of the inbox; links to files elsewhere are never followed");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new PromptFileException(file, line, "image", "the input image '" + image + "' is not a regular file",
                    fix);
        }
        try {
            long size = Files.size(real);
            if (size > maxBytes) {
                throw new PromptFileException(file, line, "image", "the input image '" + image + "' is " + size
                                                                   + " bytes, more than the limit of " + maxBytes,
                        "scale it down, or raise promptrelay.max-input-image-bytes");
            }
            byte[] head;
            try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
                head = in.readNBytes(PictureType.HEAD_BYTES);
            }
            if (PictureType.of(head) == null) {
                throw notAPicture(image, file, line);
            }
        } catch (IOException e) {
            throw unreadable(image, file, line, e);
        }
        return new Local(real, image);
    }

    /** Copies the picture by content, {@code <sha256>.<png|jpg|webp>}, checking it again in the copy. */
    private String copy(Local picture, String file, Integer line) throws IOException {
        Path temp = Files.createTempFile(kept, ".copy-", ".part");
        try {
            try (InputStream in = Files.newInputStream(picture.real(), LinkOption.NOFOLLOW_LINKS)) {
                Files.write(temp, in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1)));
            }
            byte[] content = Files.readAllBytes(temp);
            String type = PictureType.of(content);
            if (content.length > maxBytes || type == null) {
                throw notAPicture(picture.image(), file, line);
            }
            String name = AtomicFiles.sha256Of(temp) + "." + PictureType.extension(type);
            Path copy = kept.resolve(name);
            if (Files.exists(copy)) {
                Files.delete(temp);
            } else {
                AtomicFiles.move(temp, copy);
            }
            return name;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static PromptFileException notAPicture(String image, String file, Integer line) {
        return new PromptFileException(file, line, "image", "the input image '" + image
                                                           + "' is not a PNG, JPEG or WebP picture by its content",
                "give a PNG, JPEG or WebP picture");
    }

    private static PromptFileException unreadable(String image, String file, Integer line, IOException e) {
        return new PromptFileException(file, line, "image", "the input image '" + image + "' could not be read: "
                                                           + e.getMessage(), "check that promptrelay may read it");
    }

    /** The picture formats providers take, told by their first bytes. */
    static final class PictureType {

        static final int HEAD_BYTES = 12;

        private PictureType() {
        }

        /** {@code image/png}, {@code image/jpeg}, {@code image/webp}, or null. */
        static String of(byte[] head) {
            if (head.length >= 8 && (head[0] & 0xff) == 0x89 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G'
                && head[4] == 0x0d && head[5] == 0x0a && head[6] == 0x1a && head[7] == 0x0a) {
                return "image/png";
            }
            if (head.length >= 3 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xd8 && (head[2] & 0xff) == 0xff) {
                return "image/jpeg";
            }
            if (head.length >= 12 && head[0] == 'R' && head[1] == 'I' && head[2] == 'F' && head[3] == 'F'
                && head[8] == 'W' && head[9] == 'E' && head[10] == 'B' && head[11] == 'P') {
                return "image/webp";
            }
            return null;
        }

        static String extension(String type) {
            return switch (type) {
                case "image/jpeg" -> "jpg";
                case "image/webp" -> "webp";
                default -> "png";
            };
        }
    }
}
