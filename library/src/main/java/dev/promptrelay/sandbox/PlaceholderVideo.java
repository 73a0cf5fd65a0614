package dev.promptrelay.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The sandbox's stand-in for a generated video: an MP4 (ISO base media) file of the asked size, an {@code ftyp} box
 * then an {@code mdat} box of filler drawn from the seed. It is not playable; it exists so clients stream real video
 * sizes to disk. It is written in chunks, so a 500 MB result costs the sandbox no memory.
 */
public final class PlaceholderVideo {

    private static final int HEADER_BYTES = 32 + 16;

    private PlaceholderVideo() {
    }

    /** The file's length for a wanted size: never less than its two box headers. */
    public static long length(long wantedBytes) {
        return Math.max(HEADER_BYTES, wantedBytes);
    }

    public static void write(OutputStream out, long wantedBytes, long seed) throws IOException {
        long total = length(wantedBytes);
        ByteBuffer ftyp = ByteBuffer.allocate(32);
        ftyp.putInt(32).put(ascii("ftyp")).put(ascii("isom")).putInt(512)
                .put(ascii("isom")).put(ascii("iso2")).put(ascii("avc1")).put(ascii("mp41"));
        out.write(ftyp.array());
        long mdatSize = total - 32;
        ByteBuffer mdat = ByteBuffer.allocate(16);
        // a 64-bit box size, so results past 4 GB stay well formed
        mdat.putInt(1).put(ascii("mdat")).putLong(mdatSize);
        out.write(mdat.array());
        SplittableRandom random = new SplittableRandom(seed);
        byte[] chunk = new byte[64 * 1024];
        long left = mdatSize - 16;
        while (left > 0) {
            for (int i = 0; i < chunk.length; i += 8) {
                long r = random.nextLong();
                for (int b = 0; b < 8; b++) {
                    chunk[i + b] = (byte) (r >>> (b * 8));
                }
            }
            int n = (int) Math.min(chunk.length, left);
            out.write(chunk, 0, n);
            left -= n;
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
