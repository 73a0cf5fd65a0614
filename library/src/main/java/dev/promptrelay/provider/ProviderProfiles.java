package dev.promptrelay.provider;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider profiles: those in the jar ({@code promptrelay/providers/*.yaml}), then the user's own in the providers
 * folder, where one of the same name takes the jar's place. A profile's id is its file name.
 */
public final class ProviderProfiles {

    /** Where the shipped profiles are inside the jar. */
    public static final String SHIPPED = "classpath:promptrelay/providers/*.yaml";
    /** The providers written in Java: a profile cannot take their names. */
    public static final Set<String> BUILT_IN = Set.of("modelscope", "modellix", "scenario");

    private static final Logger LOG = LoggerFactory.getLogger(ProviderProfiles.class);
    private static final long MAX_PROFILE_BYTES = 256 * 1024;

    private ProviderProfiles() {
    }

    /**
     * Every profile, checked; the first mistake stops the start.
     *
     * @param folderSetting {@code promptrelay.providers-dir}: the user's providers folder; blank, or a folder that is not
     *                      there, means none of their own
     */
    public static List<ProviderProfile> load(CamelContext context, String folderSetting, Function<String, String> environment)
            throws Exception {
        Path folder = folderSetting == null || folderSetting.isBlank() ? null : Path.of(folderSetting);
        Map<String, ProviderProfile> byId = new TreeMap<>();
        for (Resource resource : PluginHelper.getPackageScanResourceResolver(context).findResources(SHIPPED)) {
            String name = resource.getLocation().replaceFirst("^.*/", "");
            try (InputStream in = resource.getInputStream()) {
                String id = name.replaceFirst("\\.yaml$", "");
                byId.put(id, ProviderProfile.read(id, "promptrelay/providers/" + name,
                        new String(in.readAllBytes(), StandardCharsets.UTF_8), environment));
            }
        }
        Map<String, String> own = new LinkedHashMap<>();
        if (folder != null && Files.isDirectory(folder)) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> list = Files.newDirectoryStream(folder, "*.{yaml,yml}")) {
                list.forEach(files::add);
            }
            files.sort(null);
            for (Path file : files) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file)) {
                    continue;
                }
                String shown = folder.getFileName() + "/" + file.getFileName();
                String id = file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
                if (BUILT_IN.contains(id)) {
                    throw new ProviderProfileException(shown, null, null, id + " is built into promptrelay; a profile "
                                                                          + "cannot take its name",
                            "name the file after your provider, e.g. " + id + "-proxy.yaml, and use that name in prompt files");
                }
                if (own.containsKey(id)) {
                    throw new ProviderProfileException(shown, null, null, "provider " + id + " is also " + own.get(id),
                            "keep one of the two files");
                }
                if (Files.size(file) > MAX_PROFILE_BYTES) {
                    throw new ProviderProfileException(shown, null, null, "the file is larger than 256 KB",
                            "a profile is a page of YAML: check that this is the file you meant");
                }
                own.put(id, shown);
                if (byId.containsKey(id)) {
                    LOG.info("Provider {}: {} takes the place of the profile promptrelay ships", id, shown);
                }
                byId.put(id, ProviderProfile.read(id, shown, Files.readString(file, StandardCharsets.UTF_8), environment));
            }
        }
        return List.copyOf(byId.values());
    }
}
