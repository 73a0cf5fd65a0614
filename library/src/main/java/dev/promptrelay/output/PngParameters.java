package dev.promptrelay.output;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Writes the generation parameters into a PNG as a text chunk named {@code parameters}, the convention other image
 * tools read: {@code tEXt} when the text is Latin-1, {@code iTXt} (UTF-8) when it is not, as for a Chinese prompt. The
 * chunk goes right after the header while the file streams through, so a large image is never held in memory.
 */
public final class PngParameters {

    static final String KEYWORD = "parameters";
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** The signature and the IHDR chunk, which must come first. */
    private static final int HEAD = 8 + 4 + 4 + 13 + 4;

    private PngParameters() {
    }

    /** The PNG with the chunk added; anything that does not start like a PNG passes through untouched. */
    public static InputStream insert(InputStream png, String text) throws IOException {
        byte[] head = png.readNBytes(HEAD);
        boolean isPng = head.length == HEAD && Arrays.equals(Arrays.copyOf(head, 8), SIGNATURE)
                        && new String(head, 12, 4, StandardCharsets.US_ASCII).equals("IHDR");
        if (!isPng) {
            return new SequenceInputStream(new ByteArrayInputStream(head), png);
        }
        List<InputStream> parts = List.of(new ByteArrayInputStream(head), new ByteArrayInputStream(chunk(text)), png);
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    static byte[] chunk(String text) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        data.write(KEYWORD.getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        String type;
        if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(text)) {
            type = "tEXt";
            data.write(text.getBytes(StandardCharsets.ISO_8859_1));
        } else {
            type = "iTXt";
            // not compressed, no language tag, no translated keyword
            data.write(new byte[] {0, 0, 0, 0});
            data.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data.toByteArray());
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(chunk)) {
            out.writeInt(data.size());
            out.write(typeBytes);
            data.writeTo(out);
            out.writeInt((int) crc.getValue());
        }
        return chunk.toByteArray();
    }
}
