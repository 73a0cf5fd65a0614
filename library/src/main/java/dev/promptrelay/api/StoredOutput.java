package dev.promptrelay.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** An output file as GET /api/jobs/{id}/outputs/{n} streams it: as it is on disk, with its media type and size. */
public record StoredOutput(Path file, String mediaType, long size) {

    public InputStream stream() throws IOException {
        return Files.newInputStream(file);
    }
}
