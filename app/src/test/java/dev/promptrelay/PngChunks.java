package dev.promptrelay;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the text chunks of a PNG the way image tools do: tEXt (Latin-1) and uncompressed iTXt (UTF-8), by keyword.
 */
final class PngChunks {

    private PngChunks() {
    }

    static Map<String, String> texts(Path png) throws IOException {
        Map<String, String> texts = new LinkedHashMap<>();
        try (InputStream file = Files.newInputStream(png); DataInputStream in = new DataInputStream(file)) {
            in.skipNBytes(8);
            while (true) {
                int length = in.readInt();
                String type = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
                byte[] data = in.readNBytes(length);
                in.skipNBytes(4);
                if (type.equals("tEXt") || type.equals("iTXt")) {
                    int zero = indexOf(data, 0, 0);
                    String keyword = new String(data, 0, zero, StandardCharsets.ISO_8859_1);
                    if (type.equals("tEXt")) {
                        texts.put(keyword, new String(data, zero + 1, data.length - zero - 1, StandardCharsets.ISO_8859_1));
                    } else {
                        int language = indexOf(data, zero + 3, 0);
                        int translated = indexOf(data, language + 1, 0);
                        texts.put(keyword, new String(data, translated + 1, data.length - translated - 1, StandardCharsets.UTF_8));
                    }
                }
                if (type.equals("IEND")) {
                    return texts;
                }
            }
        }
    }

    private static int indexOf(byte[] data, int from, int value) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == value) {
                return i;
            }
        }
        throw new IllegalStateException("malformed text chunk");
    }
}
