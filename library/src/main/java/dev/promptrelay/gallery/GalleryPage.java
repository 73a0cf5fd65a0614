package dev.promptrelay.gallery;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.apache.camel.Header;

/**
 * The gallery's page, style and script, served from the jar (nothing from elsewhere, so it works with no internet).
 * They hold no data: the page asks the API for everything, with the token when one is set.
 */
public class GalleryPage {

    public record Asset(String mediaType, byte[] bytes) {
    }

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "gallery.css", "text/css; charset=utf-8",
            "gallery.js", "text/javascript; charset=utf-8");

    private final Map<String, Asset> assets;

    public GalleryPage() throws IOException {
        Map<String, Asset> loaded = new java.util.HashMap<>();
        for (Map.Entry<String, String> file : FILES.entrySet()) {
            try (InputStream in = GalleryPage.class.getResourceAsStream("/promptrelay/gallery/" + file.getKey())) {
                if (in == null) {
                    throw new IOException("promptrelay/gallery/" + file.getKey() + " is missing from the jar");
                }
                loaded.put(file.getKey(), new Asset(file.getValue(), in.readAllBytes()));
            }
        }
        this.assets = Map.copyOf(loaded);
    }

    /** The asset by name (the page itself for none), or null for a name that is not one of them. */
    public Asset asset(@Header("asset") String name) {
        return assets.get(name == null || name.isBlank() ? "index.html" : name);
    }
}
