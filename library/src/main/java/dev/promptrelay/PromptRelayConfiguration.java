package dev.promptrelay;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import dev.promptrelay.api.ApiAccess;
import dev.promptrelay.api.EmbeddedJobs;
import dev.promptrelay.api.JobsApi;
import dev.promptrelay.gallery.Thumbnails;
import dev.promptrelay.journal.JobOutcomes;
import dev.promptrelay.observe.JournalHealthCheck;
import dev.promptrelay.observe.LeaseHealthCheck;
import dev.promptrelay.observe.OutboxHealthCheck;
import dev.promptrelay.output.Outbox;
import dev.promptrelay.observe.ProviderHealthCheck;
import dev.promptrelay.journal.DispatchWakeUp;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.journal.JournalDatabase;
import dev.promptrelay.journal.OutletJournal;
import dev.promptrelay.journal.OutputJournal;
import dev.promptrelay.endpoint.Endpoints;
import dev.promptrelay.endpoint.Intake;
import dev.promptrelay.endpoint.IntakeMessages;
import dev.promptrelay.endpoint.Outlet;
import dev.promptrelay.endpoint.OutletDeliveries;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.journal.ScheduleFires;
import dev.promptrelay.journal.TaskHistory;
import dev.promptrelay.journal.JournalFile;
import dev.promptrelay.journal.JournalWatermark;
import dev.promptrelay.journal.JournalRetention;
import dev.promptrelay.journal.JournalStack;
import dev.promptrelay.output.OutputWriter;
import dev.promptrelay.prompt.InboxEntries;
import dev.promptrelay.prompt.InputImages;
import dev.promptrelay.prompt.PromptFileReader;
import dev.promptrelay.prompt.PromptFiles;
import dev.promptrelay.provider.ModelScopeMapping;
import dev.promptrelay.provider.ModelScopeScriptsConfig;
import dev.promptrelay.provider.ModellixMapping;
import dev.promptrelay.provider.ProfileMapping;
import dev.promptrelay.provider.ProviderProfile;
import dev.promptrelay.provider.ProviderProfiles;
import dev.promptrelay.provider.ScenarioMapping;
import dev.promptrelay.provider.ProviderAdvice;
import dev.promptrelay.provider.ProviderAnswers;
import dev.promptrelay.provider.ProviderCalls;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.provider.ProviderMapping;
import dev.promptrelay.provider.ProviderPacing;
import dev.promptrelay.provider.ProviderSettings;
import dev.promptrelay.provider.TaskDurations;
import dev.promptrelay.provider.TypicalTaskDurations;
import dev.promptrelay.provider.Downloads;
import dev.promptrelay.provider.TaskWatches;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.schedule.Schedules;
import dev.promptrelay.sandbox.SandboxFaults;
import dev.promptrelay.sandbox.SandboxServer;
import com.zaxxer.hikari.HikariConfig;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the beans the routes use, from the promptrelay.* settings; starts the sandbox for a provider without a key.
 */
@Configuration
public class PromptRelayConfiguration implements CamelConfiguration {

    /** The registry name of promptrelay's settings, bound once it is configured in a Camel context. */
    public static final String SETTINGS = "promptrelaySettings";
    /** The registry name of promptrelay's folders. */
    public static final String FOLDERS = "promptrelayFolders";
    /** The component of every provider call: promptrelay's own HTTP client. */
    public static final String PROVIDER_HTTP = "promptrelay-http";
    /** The thread pool profile the routes' delays name: waits scheduled without bound, run by a few threads. */
    public static final String WAITS_POOL = "promptrelayWaits";
    private static final int WAITS_THREADS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(PromptRelayConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        // Camel Main may hand the same configuration over twice (as given and from its registry): once is enough
        if (context.getRegistry().lookupByName(SETTINGS) != null) {
            return;
        }
        Map<String, String> given = givenSettings(context);
        PromptRelaySettings settings = PromptRelaySettings.of(context);
        // the profiles come first: each names settings of its own (promptrelay.<id>.api-key, ...)
        List<ProviderProfile> profiles = ProviderProfiles.load(context, settings.text("promptrelay.providers-dir"),
                System::getenv);
        checkSettingNames(given, profiles);
        profiles.forEach(p -> profileDefaults(settings, p));
        context.getRegistry().bind(SETTINGS, settings);
        // the routes' waits (before polls, submits, downloads) hold no thread while they wait, and thousands of tasks
        // may wait at once: Camel's default pool lets 1000 wait, then makes the caller sleep, which stalls a route
        context.getExecutorServiceManager().registerThreadPoolProfile(new ThreadPoolProfileBuilder(WAITS_POOL)
                .poolSize(WAITS_THREADS).maxPoolSize(WAITS_THREADS).maxQueueSize(-1).build());
        Folders folders = folders(context, settings);
        // who may call the API is settled first: an address beyond this machine without a token is the first thing to say
        ApiAccess access = apiAccess(context, settings);
        List<ProviderMapping> mappings = providerMappings(context, settings, folders, profiles);
        ProviderCatalog providers = providerCatalog(context, settings, mappings);
        JournalDatabase journalDb = journal(context, settings, folders, mappings);
        InputImages inputImages = new InputImages(folders.inbox(), folders.inputImages(),
                settings.number("promptrelay.max-input-image-bytes"));
        PromptFileReader reader = new PromptFileReader(providers, settings.text("promptrelay.provider"),
                settings.number("promptrelay.max-prompt-file-bytes"), settings.integer("promptrelay.max-jobs-per-file"),
                inputImages);
        context.getRegistry().bind("promptFileReader", reader);
        PromptFiles promptFiles = intake(context, settings, folders, inputImages);
        requests(context, settings, folders, promptFiles, reader, access, journalDb);
        providerCalls(context, settings, providers, mappings, inputImages, journalDb);
        output(context, folders, providers);
        context.addComponent(PROVIDER_HTTP, providerHttp(settings));
        List<Intake> intakes = Endpoints.intakes(context, settings);
        List<Outlet> outlets = Endpoints.outlets(context, settings,
                intakes.stream().map(Intake::name).collect(java.util.stream.Collectors.toSet()),
                providers.ids());
        for (Intake intake : intakes) {
            requireComponent(context, "promptrelay.intake." + intake.name() + ".uri", intake.uri());
            if (!intake.failedUri().isBlank()) {
                requireComponent(context, "promptrelay.intake." + intake.name() + ".failed-uri", intake.failedUri());
            }
        }
        for (Outlet outlet : outlets) {
            requireComponent(context, "promptrelay.outlet." + outlet.name() + ".uri", outlet.uri());
        }
        endpoints(context, settings, folders, promptFiles, reader, journalDb, intakes, outlets);
        loadRoutes(context, settings.text("promptrelay.routes"));
        // an intake's and an outlet's route each, from the templates in endpoint-intake.camel.yaml and outlets.camel.yaml
        for (Intake intake : intakes) {
            org.apache.camel.builder.TemplatedRouteBuilder.builder(context, "intake-from-endpoint")
                    .routeId("intake-" + intake.name()).parameter("intake", intake.name())
                    .parameter("uri", intake.consumerUri()).add();
            LOG.info("intake {}: prompt files from {} ({})", intake.name(), intake.shown(), intake.failedUri().isBlank()
                    ? "rejected ones to " + folders.failed() : "rejected ones to " + org.apache.camel.util.URISupport
                    .sanitizeUri(intake.failedUri()));
        }
        for (Outlet outlet : outlets) {
            org.apache.camel.builder.TemplatedRouteBuilder.builder(context, outlet.sidecars() ? "outlet-to-file-endpoint"
                            : "outlet-to-endpoint")
                    .routeId("outlet-" + outlet.name()).parameter("outlet", outlet.name())
                    .parameter("uri", outlet.producerUri()).add();
            LOG.info("outlet {}: results{}{} to {}", outlet.name(), outlet.filter().intakes().isEmpty() ? ""
                    : " of " + String.join(", ", outlet.filter().intakes()), outlet.filter().providers().isEmpty() ? ""
                    : " by " + String.join(", ", outlet.filter().providers()), outlet.shown());
        }
        // the built-in providers' call routes are in provider-call.camel.yaml; a profile's provider gets its own here
        for (ProviderProfile profile : profiles) {
            org.apache.camel.builder.TemplatedRouteBuilder.builder(context, "provider-call")
                    .routeId(profile.id() + "-call").parameter("provider", profile.id()).add();
        }
    }

    /** The promptrelay.* settings the application gives, before promptrelay's defaults join them. */
    private static Map<String, String> givenSettings(CamelContext context) {
        Map<String, String> given = new LinkedHashMap<>();
        context.getPropertiesComponent().loadProperties(k -> k.startsWith("promptrelay."))
                .stringPropertyNames().forEach(k -> given.put(k, "in the application's settings"));
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("promptrelay."))
                .forEach(k -> given.put(k, "a -D option"));
        return given;
    }

    /** A misspelt promptrelay.* setting stops the start: its default would otherwise apply without a word. */
    private static void checkSettingNames(Map<String, String> given, List<ProviderProfile> profiles) {
        SettingNames names = SettingNames.promptrelays().withProviders(profiles.stream().map(ProviderProfile::id).toList());
        names.check(given);
        names.checkEnvironment(System.getenv());
    }

    /** The folders, created; the state directory locked to this process for as long as Camel runs. */
    private static Folders folders(CamelContext context, PromptRelaySettings settings) throws Exception {
        // an application without a drop folder gets no inbox folder either
        StateDirectoryLock lock = StateDirectoryLock.acquire(
                Folders.of(".", ".", ".", ".", settings.text("promptrelay.state-dir")).stateDir(), context);
        context.addService(lock);
        Folders local = Folders.of(settings.text("promptrelay.inbox"), settings.text("promptrelay.outbox"),
                settings.text("promptrelay.archive"), settings.text("promptrelay.failed"), lock.stateDir().toString());
        Folders folders = local.forNode(settings.text("promptrelay.shared-dir"), ClusterNode.id(settings, local))
                .create(settings.bool("promptrelay.inbox.enabled"));
        if (settings.bool("promptrelay.inbox.enabled")) {
            context.addService(InboxLock.acquire(folders.inbox(), folders.stateDir(),
                    !settings.text("promptrelay.journal.url").isBlank(), context));
        }
        context.getRegistry().bind(FOLDERS, folders);
        return folders;
    }

    /**
     * Each provider as the settings give it, its key from the settings or (ModelScope) the image-gen scripts' file; a
     * keyless one answered by the built-in sandbox when {@code promptrelay.sandbox.enabled} says so.
     */
    private static List<ProviderMapping> providerMappings(CamelContext context, PromptRelaySettings settings,
                                                          Folders folders, List<ProviderProfile> profiles)
            throws Exception {
        ProviderSettings modelScope = withScriptsConfig(providerSettings(settings, "modelscope"),
                settings.text("promptrelay.modelscope.scripts-config-file"));
        ProviderSettings modellix = providerSettings(settings, "modellix");
        ProviderSettings scenario = providerSettings(settings, "scenario");
        if (scenario.hasKey() && scenario.apiSecret().isEmpty()) {
            throw new IllegalStateException("promptrelay.scenario.api-key is set but promptrelay.scenario.api-secret is "
                                            + "not: set SCENARIO_API_SECRET too (Scenario signs in with the key pair)");
        }
        List<ProviderSettings> configured = List.of(modelScope, modellix, scenario);
        List<ProviderSettings> keyless = configured.stream().filter(p -> !p.hasKey()).toList();
        List<ProfileMapping> profiled = new java.util.ArrayList<>();
        for (ProviderProfile profile : profiles) {
            profiled.add(new ProfileMapping(profile, providerSettings(settings, profile.id()),
                    key -> settings.text(key, null), System::getenv));
        }
        boolean anyKey = keyless.size() < configured.size() || profiled.stream().anyMatch(m -> m.settings().hasKey());
        SandboxServer sandbox = sandboxFor(context, settings, folders, keyless, anyKey);
        for (ProviderSettings p : configured) {
            if (p.hasKey()) {
                LOG.info("{} at {} with default model {}", p.id(), p.baseUrl(), p.model());
            }
        }
        for (ProfileMapping m : profiled) {
            ProviderSettings p = m.settings();
            if (p.hasKey()) {
                LOG.info("{} at {} with default model {} (profile {})", p.id(), p.baseUrl(),
                        p.model().isEmpty() ? "(none: jobs name theirs)" : p.model(), m.profile().file());
            }
        }
        List<ProfileMapping> unkeyed = profiled.stream().filter(m -> !m.settings().hasKey()).toList();
        if (!unkeyed.isEmpty()) {
            LOG.info("{} (provider profiles) have no API key: their jobs are rejected before anything is submitted. To "
                     + "use one, set {} and restart", unkeyed.stream().map(ProviderMapping::id).toList(),
                    String.join(", ", unkeyed.stream().map(ProfileMapping::keyVariables).toList()));
        }
        List<ProviderMapping> mappings = new java.util.ArrayList<>(List.of(
                new ModelScopeMapping(inSandboxIfKeyless(modelScope, sandbox)),
                new ModellixMapping(inSandboxIfKeyless(modellix, sandbox), settings.text("promptrelay.modellix.submit-path")),
                new ScenarioMapping(inSandboxIfKeyless(scenario, sandbox))));
        mappings.addAll(profiled);
        return List.copyOf(mappings);
    }

    /** A profile's provider gets the settings a built-in one has, from the profile where the application sets none. */
    private static void profileDefaults(PromptRelaySettings settings, ProviderProfile profile) {
        String prefix = "promptrelay." + profile.id() + ".";
        String key = profile.keyEnv() == null ? null : System.getenv(profile.keyEnv());
        settings.defaultTo(prefix + "base-url", profile.baseUrl());
        settings.defaultTo(prefix + "api-key", key == null ? "" : key);
        settings.defaultTo(prefix + "model", profile.model() == null ? "" : profile.model());
        settings.defaultTo(prefix + "max-concurrent", String.valueOf(profile.maxConcurrent() == null ? 2 : profile.maxConcurrent()));
        settings.defaultTo(prefix + "requests-per-minute",
                String.valueOf(profile.requestsPerMinute() == null ? 0 : profile.requestsPerMinute()));
        settings.defaultTo(prefix + TypicalTaskDurations.SETTING, profile.typicalTaskSeconds());
    }

    /** The sandbox, started, when it is to answer for the keyless providers; null when they stay unusable. */
    private static SandboxServer sandboxFor(CamelContext context, PromptRelaySettings settings, Folders folders,
                                            List<ProviderSettings> keyless, boolean anyKey) throws Exception {
        String keyVariables = String.join(", ", keyless.stream().map(ProviderSettings::keyVariables).toList());
        String them = keyless.size() == 1 ? "it" : "them";
        if (!sandboxAnswers(settings, anyKey) || keyless.isEmpty()) {
            if (!keyless.isEmpty()) {
                LOG.info("{} {} no API key and no sandbox ({}): jobs for {} are rejected before anything is submitted. "
                         + "To use {}, set {} and restart.", keyless.stream().map(ProviderSettings::id).toList(),
                        keyless.size() == 1 ? "has" : "have", sandboxRule(settings), them, them, keyVariables);
            }
            return null;
        }
        SandboxFaults faults = new SandboxFaults(settings.integer("promptrelay.sandbox.throttle-every"), 0,
                settings.integer("promptrelay.sandbox.fail-polls-percent"), 0, 0,
                settings.integer("promptrelay.sandbox.refuse-every"), 0, 0);
        // its tasks are kept in the state dir: a restart resumes them as it would a live provider's
        SandboxServer sandbox = new SandboxServer(new SandboxBehaviour(settings.number("promptrelay.sandbox.task-millis"),
                settings.text("promptrelay.sandbox.refuse-marker"), settings.number("promptrelay.sandbox.video-bytes"),
                SandboxBehaviour.DEFAULT_LINK_MILLIS, faults), folders.stateDir().resolve("sandbox-tasks.jsonl"))
                .start(settings.integer("promptrelay.sandbox.port"));
        context.addService(new SandboxLifecycle(sandbox));
        LOG.warn("SANDBOX MODE for {}: no API key is set, so the built-in sandbox at {} answers for {} and their "
                 + "images are placeholders. To go live, set {} and restart.",
                keyless.stream().map(ProviderSettings::id).toList(), sandbox.baseUrl(), them, keyVariables);
        return sandbox;
    }

    /** promptrelay.sandbox.enabled: auto (only when no provider has a key), true or false. */
    private static boolean sandboxAnswers(PromptRelaySettings settings, boolean anyKey) {
        String mode = settings.text("promptrelay.sandbox.enabled");
        return switch (mode) {
            case "true" -> true;
            case "false" -> false;
            case "auto" -> !anyKey;
            default -> throw new IllegalStateException("the setting promptrelay.sandbox.enabled is '" + mode
                                                       + "': it must be auto, true or false");
        };
    }

    private static String sandboxRule(PromptRelaySettings settings) {
        return settings.text("promptrelay.sandbox.enabled").equals("auto")
                ? "with promptrelay.sandbox.enabled=auto it answers only when no provider has a key"
                : "promptrelay.sandbox.enabled is false";
    }

    /** The providers by id; the default provider must be one of them. */
    private static ProviderCatalog providerCatalog(CamelContext context, PromptRelaySettings settings,
                                                   List<ProviderMapping> mappings) {
        ProviderCatalog providers = new ProviderCatalog(mappings, sandboxRule(settings));
        String defaultProvider = settings.text("promptrelay.provider");
        List<String> ids = mappings.stream().map(ProviderMapping::id).toList();
        if (!ids.contains(defaultProvider)) {
            throw new IllegalStateException("the setting promptrelay.provider is '" + defaultProvider + "': it must be "
                                            + "one of " + String.join(", ", ids));
        }
        context.getRegistry().bind("providers", providers);
        return providers;
    }

    /**
     * The journal: the embedded one (checked on a copy first: a damaged one is never opened, nor changed by a failed
     * start) or the database promptrelay.journal.url names; its migrations run, its parts bound by what they serve.
     */
    private static JournalDatabase journal(CamelContext context, PromptRelaySettings settings, Folders folders,
                                           List<ProviderMapping> mappings) throws Exception {
        JournalStack.check();
        String url = settings.text("promptrelay.journal.url");
        String user = settings.text("promptrelay.journal.user");
        String password = settings.text("promptrelay.journal.password");
        JournalFile journalFile = null;
        if (url.isBlank()) {
            journalFile = new JournalFile(folders.stateDir(), user, password);
            if (!journalFile.present() && folders.holdEarlierResults()) {
                LOG.warn("There is no journal in {}, yet {} holds results of earlier runs: if that state directory was "
                         + "deleted or lost, the prompt files that were in progress in it went with it, and their tasks "
                         + "may have been paid for. See failed/ and archive/ for what ended, and your provider accounts "
                         + "for tasks of the last run before dropping anything again. A new journal is started; point "
                         + "promptrelay.state-dir at the old one if it was moved", folders.stateDir(), folders.outbox());
            }
            try {
                journalFile.checkBeforeOpening();
            } catch (JournalFile.JournalDamaged e) {
                LOG.error("promptrelay does not start: {}", e.getMessage());
                throw e;
            }
        }
        HikariConfig poolConfig = new HikariConfig();
        poolConfig.setPoolName("journal");
        poolConfig.setJdbcUrl(journalFile != null ? journalFile.url() : url);
        poolConfig.setUsername(user);
        poolConfig.setPassword(password);
        poolConfig.setMaximumPoolSize(10);
        // a database that went away is noticed in seconds (health, the log), not after HikariCP's 30 s; steps wait anyway
        poolConfig.setConnectionTimeout(3000);
        poolConfig.setValidationTimeout(2000);
        if (url.startsWith("jdbc:postgresql:")) {
            // a node frozen inside a transaction (SIGSTOP, a long GC) would hold its row locks, and with them every
            // other node's claims, until it woke: PostgreSQL ends such a session after a lease
            poolConfig.setConnectionInitSql("SET idle_in_transaction_session_timeout = '"
                                             + ClusterNode.lease(settings).toMillis() + "ms'");
        }
        HikariDataSource pool = new HikariDataSource(poolConfig);
        context.addService(new JournalPoolLifecycle(pool, journalFile));
        // its writer stops before the pool closes: services stop in the reverse order of their adding
        JournalDatabase journalDb = new JournalDatabase(pool, context);
        if (!url.isBlank()) {
            SharedFolderMark.check(pool, folders.shared(), folders.node());
        }
        Map<String, Integer> caps = new LinkedHashMap<>();
        mappings.forEach(m -> caps.put(m.id(), m.settings().maxConcurrent()));
        JobJournal journal = new JobJournal(journalDb, caps, folders.node(), ClusterNode.lease(settings));
        // what a stop leaves is told once the writer below has committed everything, before the pool closes
        context.addService(new LeftAtStopReport(journal, url.isBlank()));
        context.addService(journalDb);
        JournalWatermark watermark = new JournalWatermark(journalFile, journalDb);
        context.addService(watermark);
        context.getRegistry().bind("journalWatermark", watermark);
        context.getRegistry().bind("journalRetention", new JournalRetention(journalDb, keepDays(settings)));
        context.getRegistry().bind("journal", journal);
        context.getRegistry().bind("promptFileJournal", new PromptFileJournal(journalDb, journal));
        context.getRegistry().bind("outputJournal", new OutputJournal(journalDb));
        context.getRegistry().bind("dispatch", new DispatchWakeUp(context.createProducerTemplate()));
        context.getRegistry().bind("jobOutcomes", new JobOutcomes(journal));
        context.getRegistry().bind("health-journal", new JournalHealthCheck(pool, journalFile));
        context.getRegistry().bind("health-leases", new LeaseHealthCheck(journal, ClusterNode.lease(settings)));
        // promptrelay's metrics name the node they come from (the routes' micrometer endpoints tag it)
        context.getPropertiesComponent().addInitialProperty("promptrelay.cluster.node", folders.node());
        return journalDb;
    }

    /** The drop folder: what is taken in, held while its jobs run, and what the inbox will never read. */
    private static PromptFiles intake(CamelContext context, PromptRelaySettings settings, Folders folders,
                                      InputImages inputImages) {
        long settleMillis = settings.number("promptrelay.inbox.settle-millis");
        PromptFiles promptFiles = new PromptFiles(folders, lookup(context, "promptFileJournal", PromptFileJournal.class),
                inputImages, settleMillis, settings.bool("promptrelay.resubmit-unjournaled"));
        context.getRegistry().bind("promptFiles", promptFiles);
        context.getRegistry().bind("health-held-files", new dev.promptrelay.observe.HeldFilesHealthCheck(promptFiles));
        context.getRegistry().bind("inboxEntries", new InboxEntries(folders.inbox(), promptFiles, settleMillis));
        return promptFiles;
    }

    /** Jobs that come in other ways than the drop folder: the HTTP API, embedding applications, schedules. */
    private static void requests(CamelContext context, PromptRelaySettings settings, Folders folders,
                                 PromptFiles promptFiles, PromptFileReader reader, ApiAccess access,
                                 JournalDatabase journalDb) throws Exception {
        PromptFileJournal promptFileJournal = lookup(context, "promptFileJournal", PromptFileJournal.class);
        // camel-jackson takes the one ObjectMapper in the registry: the REST binding and the routes' marshal use ours
        context.getRegistry().bind("promptrelayJson", Json.MAPPER);
        context.getRegistry().bind("apiAccess", access);
        Thumbnails thumbnails = new Thumbnails(folders.shared().resolve("thumbnails"));
        context.getRegistry().bind("thumbnails", thumbnails);
        context.getRegistry().bind("jobsApi", new JobsApi(promptFiles, reader, lookup(context, "journal", JobJournal.class),
                promptFileJournal, folders, thumbnails));
        context.getRegistry().bind("galleryPage", new dev.promptrelay.gallery.GalleryPage());
        context.getRegistry().bind("embeddedJobs", new EmbeddedJobs(promptFiles, reader, promptFileJournal, folders));
        context.getRegistry().bind("promptrelayClient", new PromptRelayClient(context));
        boolean schedulesEnabled = settings.bool("promptrelay.schedules.enabled");
        // from application.properties, then -D options, which win as they do for every setting
        Properties scheduleSettings = context.getPropertiesComponent()
                .loadProperties(key -> key.startsWith("promptrelay.schedules.") && schedulesEnabled);
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("promptrelay.schedules."))
                .filter(k -> schedulesEnabled)
                .forEach(k -> scheduleSettings.setProperty(k, System.getProperty(k)));
        Schedules schedules = new Schedules(Schedules.fromSettings(scheduleSettings), promptFiles, reader,
                new ScheduleFires(journalDb));
        context.getRegistry().bind("schedules", schedules);
        context.addStartupListener(schedules);
    }

    /**
     * What the provider-call routes use: each provider's circuit breaker (and its health check), a job mapped to a
     * request and an answer to a status, the poll plans, the download tries and every message a call can end with.
     */
    private static void providerCalls(CamelContext context, PromptRelaySettings settings, ProviderCatalog providers,
                                      List<ProviderMapping> mappings, InputImages inputImages, JournalDatabase journalDb) {
        CircuitBreakerConfig breakerConfig = circuitBreakerConfig(settings);
        Map<String, Integer> requestsPerMinute = new LinkedHashMap<>();
        Map<String, CircuitBreaker> breakers = new LinkedHashMap<>();
        for (ProviderMapping m : mappings) {
            // the provider-call route of each provider names its breaker: <id>CircuitBreaker
            CircuitBreaker breaker = CircuitBreaker.of(m.id(), breakerConfig);
            breakers.put(m.id(), breaker);
            context.getRegistry().bind(m.id() + "CircuitBreaker", breaker);
            // health checks as registry beans: Camel's health check registry finds them there
            context.getRegistry().bind("health-provider-" + m.id(), new ProviderHealthCheck(m.settings(), breaker));
            requestsPerMinute.put(m.id(), settings.integer("promptrelay." + m.id() + ".requests-per-minute"));
        }
        context.getRegistry().bind("providersApi", new dev.promptrelay.api.ProvidersApi(providers, breakers, requestsPerMinute));
        Duration pollTimeout = Duration.ofSeconds(settings.number("promptrelay.poll.timeout-seconds"));
        Duration videoPollTimeout = Duration.ofSeconds(settings.number("promptrelay.poll.video-timeout-seconds"));
        ProviderAdvice advice = new ProviderAdvice(providers, pollTimeout, videoPollTimeout);
        TaskHistory taskHistory = new TaskHistory(journalDb);
        context.getRegistry().bind("pacing", new ProviderPacing());
        context.getRegistry().bind("providerAdvice", advice);
        context.getRegistry().bind("providerAnswers", new ProviderAnswers(providers, advice));
        JobJournal journal = lookup(context, "journal", JobJournal.class);
        context.getRegistry().bind("providerCalls", new ProviderCalls(providers, inputImages, requestsPerMinute,
                journal::liveNodes));
        Map<String, String> typical = new LinkedHashMap<>();
        for (ProviderMapping m : mappings) {
            typical.put(m.id(), settings.text("promptrelay." + m.id() + "." + TypicalTaskDurations.SETTING));
        }
        TaskWatches watches = new TaskWatches(
                (provider, model, sandbox) -> taskHistory.recentEnds(provider, model, sandbox, TaskDurations.SAMPLES),
                new TypicalTaskDurations(typical, (provider, sandbox) -> taskHistory.recentByModel(provider, sandbox,
                        TypicalTaskDurations.OTHER_MODELS_SAMPLES)),
                pollTimeout, videoPollTimeout,
                Duration.ofSeconds(settings.number("promptrelay.poll.not-found-grace-seconds")),
                settings.number("promptrelay.poll.first-delay-millis"), settings.number("promptrelay.poll.max-delay-millis"));
        context.getRegistry().bind("taskWatches", watches);
        webhooks(context, settings, providers, mappings, watches, journal);
        context.getRegistry().bind("downloads", new Downloads(settings.integer("promptrelay.download.max-retries")));
    }

    /**
     * Webhooks, where promptrelay.webhook.base-url says where providers reach this installation: the profiles that say
     * how to ask for them get one per submit, and their tasks are polled at the slower fallback plan meanwhile.
     */
    private static void webhooks(CamelContext context, PromptRelaySettings settings, ProviderCatalog providers,
                                 List<ProviderMapping> mappings, TaskWatches watches, JobJournal journal) {
        context.getRegistry().bind("webhooksApi", new dev.promptrelay.api.WebhooksApi(providers, journal, watches, settings));
        String base = settings.text("promptrelay.webhook.base-url");
        if (base.isBlank()) {
            return;
        }
        if (!base.startsWith("https://") && !base.startsWith("http://")) {
            throw new IllegalStateException("the setting promptrelay.webhook.base-url is '" + base + "': write the address "
                                            + "providers reach this installation's API at, like https://relay.example.com");
        }
        if (!settings.bool("promptrelay.api.enabled")) {
            throw new IllegalStateException("promptrelay.webhook.base-url is set, but the HTTP API that receives webhooks "
                                            + "is off: set promptrelay.api.enabled=true (and camel.server.enabled=true)");
        }
        dev.promptrelay.provider.Webhooks webhooks = new dev.promptrelay.provider.Webhooks(base,
                id -> providers.mapping(id).settings().apiKey());
        List<String> asking = new java.util.ArrayList<>();
        for (ProviderMapping m : mappings) {
            if (m instanceof ProfileMapping profiled) {
                profiled.useWebhooks(webhooks);
                if (profiled.sendsWebhooks()) {
                    asking.add(m.id());
                }
            }
        }
        watches.webhooks(asking::contains, settings.number("promptrelay.webhook.check-millis"),
                settings.number("promptrelay.webhook.fallback-poll-seconds") * 1000);
        LOG.info("Webhooks: {} are asked to call {}{}... when a task ends; their tasks are polled every {} s meanwhile, "
                 + "and at once when a webhook comes", asking, base, dev.promptrelay.provider.Webhooks.PATH,
                settings.number("promptrelay.webhook.fallback-poll-seconds"));
    }

    /** Results into the outbox (staged in the state directory while it takes none), and its health check. */
    /** An intake or outlet whose component is not on the class path stops the start, saying which jar to add. */
    private static void requireComponent(CamelContext context, String setting, String uri) {
        int colon = uri.indexOf(':');
        String scheme = colon < 0 ? uri : uri.substring(0, colon);
        if (colon <= 0 || context.getComponent(scheme) == null) {
            throw new IllegalStateException(setting + " is '" + org.apache.camel.util.URISupport.sanitizeUri(uri)
                                            + "', but Camel has no component '" + scheme + "' here: the runnable jar "
                                            + "has file, ftp, ftps, sftp, jms, kafka (and Camel's own direct, seda, "
                                            + "timer...); for another, put its jar (org.apache.camel:camel-" + scheme
                                            + ") on the class path, see docs/endpoint-s3.md");
        }
    }

    /** Intakes and outlets on any Camel endpoint: their beans, and the journal's part in each. */
    private static void endpoints(CamelContext context, PromptRelaySettings settings, Folders folders,
                                  PromptFiles promptFiles, PromptFileReader reader, JournalDatabase journalDb,
                                  List<Intake> intakes, List<Outlet> outlets) {
        PromptFileJournal promptFileJournal = lookup(context, "promptFileJournal", PromptFileJournal.class);
        OutletJournal outletJournal = new OutletJournal(journalDb, outlets.stream().map(Outlet::filter).toList(),
                folders.node());
        if (outletJournal.any()) {
            promptFileJournal.outlets(outletJournal);
            lookup(context, "outputJournal", OutputJournal.class).outlets(outletJournal);
        }
        context.getRegistry().bind("intakeMessages", new IntakeMessages(intakes, promptFiles, reader, promptFileJournal));
        context.getRegistry().bind("outletDeliveries", new OutletDeliveries(outletJournal, folders, outlets));
        context.getRegistry().bind("health-outlets", new dev.promptrelay.observe.OutletsHealthCheck(outletJournal));
    }

    private static void output(CamelContext context, Folders folders, ProviderCatalog providers) {
        context.getRegistry().bind("heldAnswers", new dev.promptrelay.provider.HeldAnswers(
                folders.stateDir().resolve("answers"), providers));
        Outbox outbox = new Outbox(folders.outbox(), folders.staged(), java.time.Clock.systemUTC());
        context.getRegistry().bind("health-outbox", new OutboxHealthCheck(outbox));
        context.getRegistry().bind("outputWriter", new OutputWriter(folders, outbox,
                lookup(context, "outputJournal", OutputJournal.class), providers));
    }

    private static <T> T lookup(CamelContext context, String name, Class<T> type) {
        return context.getRegistry().lookupByNameAndType(name, type);
    }

    /**
     * The HTTP client of every provider call, promptrelay's own (an embedding application's http component stays as
     * it configured it): explicit timeouts, and none of HttpClient's own retries or redirects, which would resend a
     * paid submit or carry the key to another host; the routes decide both.
     */
    private static HttpComponent providerHttp(PromptRelaySettings settings) {
        HttpComponent http = new HttpComponent();
        http.setConnectTimeout(settings.number("promptrelay.http.connect-timeout"));
        http.setConnectionRequestTimeout(settings.number("promptrelay.http.connection-request-timeout"));
        http.setResponseTimeout(settings.number("promptrelay.http.response-timeout"));
        http.setSoTimeout(settings.number("promptrelay.http.so-timeout"));
        http.setMaxTotalConnections(settings.integer("promptrelay.http.max-total-connections"));
        http.setConnectionsPerRoute(settings.integer("promptrelay.http.connections-per-route"));
        http.setAutomaticRetriesDisabled(true);
        http.setRedirectHandlingDisabled(true);
        return http;
    }

    /**
     * Opens after {@code promptrelay.circuit-breaker.failures} requests in a row got no answer at all (an answer, even
     * a refusal, is no failure: the routes send with throwExceptionOnFailure=false); stays open
     * {@code open-seconds}, then lets one request try.
     */
    private static CircuitBreakerConfig circuitBreakerConfig(PromptRelaySettings settings) {
        int failures = settings.integer("promptrelay.circuit-breaker.failures");
        return CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(failures).minimumNumberOfCalls(failures).failureRateThreshold(100)
                .waitDurationInOpenState(Duration.ofSeconds(settings.number("promptrelay.circuit-breaker.open-seconds")))
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .build();
    }

    /** promptrelay's routes: loaded here, so an application that embeds promptrelay keeps its own routes pattern. */
    private static void loadRoutes(CamelContext context, String locations) throws Exception {
        List<Resource> resources = new java.util.ArrayList<>();
        for (String location : locations.split(",")) {
            if (!location.isBlank()) {
                resources.addAll(PluginHelper.getPackageScanResourceResolver(context).findResources(location.strip()));
            }
        }
        if (resources.isEmpty()) {
            throw new IllegalStateException("no routes found at " + locations + " (promptrelay.routes)");
        }
        PluginHelper.getRoutesLoader(context).loadRoutes(resources);
    }

    /** promptrelay.<id>.base-url, .api-key, .api-secret, .model and .max-concurrent. */
    private static ProviderSettings providerSettings(PromptRelaySettings settings, String id) {
        String prefix = "promptrelay." + id + ".";
        return new ProviderSettings(id, settings.text(prefix + "base-url"), settings.text(prefix + "api-key", ""),
                settings.text(prefix + "api-secret", ""), settings.text(prefix + "model"), false,
                settings.integer(prefix + "max-concurrent"));
    }

    /**
     * Who may call the HTTP API: beyond this machine (by what camel.server.host resolves to) only with a token. Health
     * and metrics beyond this machine are allowed, with a warning: they carry no secrets, but say what runs where.
     */
    private static ApiAccess apiAccess(CamelContext context, PromptRelaySettings settings) throws Exception {
        String token = settings.text("promptrelay.api.token");
        boolean enabled = settings.bool("promptrelay.api.enabled");
        String host = settings.text("camel.server.host", "0.0.0.0");
        if (enabled && !ApiAccess.loopbackOnly(host) && token.isEmpty()) {
            throw new IllegalStateException("camel.server.host is " + host + ", which is (or may be) reachable beyond "
                                            + "this machine, but promptrelay.api.token is empty: set a token "
                                            + "(PROMPTRELAY_API_TOKEN) or bind to 127.0.0.1");
        }
        boolean management = Boolean.parseBoolean(settings.text("camel.management.enabled", "false"));
        String managementHost = settings.text("camel.management.host", "0.0.0.0");
        if (enabled && management && !ApiAccess.loopbackOnly(managementHost)) {
            LOG.warn("camel.management.host is {}: /observe/health and /observe/metrics answer anyone who can reach it "
                     + "(they carry no keys, but show provider addresses and job counts). Bind it to 127.0.0.1, or put "
                     + "it behind a proxy that checks who asks", managementHost);
        }
        if (enabled) {
            // the servers are promptrelay's own only where it runs the API (an embedding application's are its own)
            Servers.checkPorts(settings);
            Servers.logWhereTheyAnswer(context, settings);
            Servers.answerRefusalsAsJson(context);
            Servers.documentApi(context, settings);
        }
        return new ApiAccess(token, host, settings.text("promptrelay.api.allowed-hosts"),
                settings.text("promptrelay.api.allowed-origins"));
    }

    /** promptrelay.journal.keep-days: blank keeps everything; otherwise at least a day. */
    private static Integer keepDays(PromptRelaySettings settings) {
        if (settings.text("promptrelay.journal.keep-days").isBlank()) {
            return null;
        }
        int days = settings.integer("promptrelay.journal.keep-days");
        if (days < 1) {
            throw new IllegalStateException("promptrelay.journal.keep-days is " + days + ": it must be 1 or more, or "
                                            + "empty to keep every request in the journal");
        }
        return days;
    }

    /** Users of the ModelScope image-gen scripts keep their key where it is. */
    private static ProviderSettings withScriptsConfig(ProviderSettings modelScope, String modelScopeScriptsConfigFile) {
        if (modelScope.hasKey() || modelScopeScriptsConfigFile.isBlank()) {
            return modelScope;
        }
        Path scriptsConfig = Path.of(modelScopeScriptsConfigFile);
        Optional<ModelScopeScriptsConfig.Found> found = ModelScopeScriptsConfig.read(scriptsConfig);
        if (found.isEmpty()) {
            return modelScope;
        }
        LOG.info("ModelScope key and default model read from {}", scriptsConfig);
        return modelScope.withKey(found.get().apiKey(),
                found.get().model() != null ? found.get().model() : modelScope.model());
    }

    /** A keyless provider answered by the sandbox when there is one; otherwise it stays keyless, and unusable. */
    private static ProviderSettings inSandboxIfKeyless(ProviderSettings settings, SandboxServer sandbox) {
        return settings.hasKey() || sandbox == null ? settings : settings.inSandbox(sandbox.baseUrlFor(settings.id()));
    }

    /** At stop, one line of what is left under way and what becomes of it. */
    private static final class LeftAtStopReport extends ServiceSupport {
        private final JobJournal journal;
        private final boolean embedded;

        LeftAtStopReport(JobJournal journal, boolean embedded) {
            this.journal = journal;
            this.embedded = embedded;
        }

        @Override
        protected void doStop() {
            try {
                JobJournal.LeftAtStop left = journal.leftAtStop();
                if (left.queued() + left.inHand() == 0) {
                    LOG.info("Stopped with nothing under way");
                } else {
                    LOG.info("Stopped with {} queued, {} running: {}", left.queued(), left.inHand(), embedded
                            ? "they resume at the next start, nothing is submitted twice"
                            : "the other nodes take them over, or this one when it starts again");
                }
            } catch (RuntimeException e) {
                // the journal is away: the start after it says what resumes
                LOG.info("Stopped; what is left under way cannot be read now ({}): the next start resumes it",
                        e.getMessage());
            }
        }
    }

    /** Stops the embedded sandbox with Camel. */
    private static final class SandboxLifecycle extends ServiceSupport {
        private final SandboxServer sandbox;

        SandboxLifecycle(SandboxServer sandbox) {
            this.sandbox = sandbox;
        }

        @Override
        protected void doStop() {
            sandbox.close();
        }
    }

    /** Closes the journal's connections after the routes have stopped; the embedded journal is then backed up. */
    private static final class JournalPoolLifecycle extends ServiceSupport {
        private final HikariDataSource pool;
        private final JournalFile file;

        JournalPoolLifecycle(HikariDataSource pool, JournalFile file) {
            this.pool = pool;
            this.file = file;
        }

        @Override
        protected void doStop() {
            if (file != null) {
                file.saveIfDeleted(pool);
            }
            pool.close();
            if (file != null) {
                file.writeBackAfterClose();
                file.backUpAfterClose();
            }
        }
    }
}
