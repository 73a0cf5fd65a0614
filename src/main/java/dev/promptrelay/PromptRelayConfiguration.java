package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.promptrelay.journal.FailedJobs;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.output.OutputWriter;
import dev.promptrelay.prompt.PromptFileReader;
import dev.promptrelay.prompt.PromptFiles;
import dev.promptrelay.provider.ModelScopeMapping;
import dev.promptrelay.provider.ModelScopeScriptsConfig;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.provider.ProviderMapping;
import dev.promptrelay.provider.ProviderSettings;
import dev.promptrelay.provider.TaskProtocol;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.PropertyInject;
import org.apache.camel.support.service.ServiceSupport;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the beans the routes use, from the promptrelay.* settings; starts the sandbox for a provider without a key.
 */
@Configuration
public class PromptRelayConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PromptRelayConfiguration.class);

    @PropertyInject("promptrelay.inbox")
    String inbox;
    @PropertyInject("promptrelay.outbox")
    String outbox;
    @PropertyInject("promptrelay.archive")
    String archive;
    @PropertyInject("promptrelay.failed")
    String failed;
    @PropertyInject("promptrelay.state-dir")
    String stateDir;
    @PropertyInject("promptrelay.provider")
    String defaultProvider;
    @PropertyInject("promptrelay.journal.url")
    String journalUrl;
    @PropertyInject("promptrelay.journal.user")
    String journalUser;
    @PropertyInject("promptrelay.journal.password")
    String journalPassword;
    @PropertyInject(value = "promptrelay.max-prompt-file-bytes", defaultValue = "1048576")
    long maxPromptFileBytes;
    @PropertyInject(value = "promptrelay.submit.max-attempts", defaultValue = "5")
    int maxSubmitAttempts;
    @PropertyInject(value = "promptrelay.retry-ambiguous-submit", defaultValue = "false")
    boolean retryAmbiguousSubmit;
    @PropertyInject(value = "promptrelay.poll.timeout-seconds", defaultValue = "600")
    long pollTimeoutSeconds;
    @PropertyInject(value = "promptrelay.poll.first-delay-millis", defaultValue = "1000")
    long firstPollDelayMillis;
    @PropertyInject(value = "promptrelay.poll.max-delay-millis", defaultValue = "10000")
    long maxPollDelayMillis;
    @PropertyInject(value = "promptrelay.poll.not-found-grace-seconds", defaultValue = "30")
    long notFoundGraceSeconds;
    @PropertyInject(value = "promptrelay.sandbox.port", defaultValue = "0")
    int sandboxPort;
    @PropertyInject(value = "promptrelay.sandbox.task-millis", defaultValue = "2000")
    long sandboxTaskMillis;
    @PropertyInject(value = "promptrelay.sandbox.refuse-marker", defaultValue = SandboxBehaviour.DEFAULT_REFUSE_MARKER)
    String sandboxRefuseMarker;
    @PropertyInject(value = "promptrelay.sandbox.throttle-every", defaultValue = "0")
    int sandboxThrottleEvery;

    @PropertyInject("promptrelay.modelscope.base-url")
    String modelScopeBaseUrl;
    @PropertyInject("promptrelay.modelscope.api-key")
    String modelScopeApiKey;
    @PropertyInject("promptrelay.modelscope.model")
    String modelScopeModel;
    @PropertyInject(value = "promptrelay.modelscope.max-concurrent", defaultValue = "1")
    int modelScopeMaxConcurrent;
    @PropertyInject("promptrelay.modelscope.scripts-config-file")
    String modelScopeScriptsConfigFile;

    @Override
    public void configure(CamelContext context) throws Exception {
        Path inboxDir = folder(inbox);
        Path stateDirPath = folder(stateDir);
        Path heldDir = folder(stateDirPath.resolve("in-progress").toString());

        ProviderSettings modelScope = new ProviderSettings("modelscope", modelScopeBaseUrl, modelScopeApiKey.strip(),
                modelScopeModel, false, modelScopeMaxConcurrent);
        if (modelScope.apiKey().isEmpty() && !modelScopeScriptsConfigFile.isBlank()) {
            Path scriptsConfig = Path.of(modelScopeScriptsConfigFile);
            Optional<ModelScopeScriptsConfig.Found> found = ModelScopeScriptsConfig.read(scriptsConfig);
            if (found.isPresent()) {
                modelScope = new ProviderSettings("modelscope", modelScopeBaseUrl, found.get().apiKey(),
                        found.get().model() != null ? found.get().model() : modelScopeModel, false,
                        modelScopeMaxConcurrent);
                LOG.info("ModelScope key and default model read from {}", scriptsConfig);
            }
        }
        if (modelScope.apiKey().isEmpty()) {
            SandboxServer sandbox = new SandboxServer(new SandboxBehaviour(sandboxTaskMillis, sandboxRefuseMarker, sandboxThrottleEvery))
                    .start(sandboxPort);
            context.addService(new SandboxLifecycle(sandbox));
            modelScope = modelScope.inSandbox(sandbox.baseUrl());
            LOG.warn("SANDBOX MODE: no ModelScope API key is set, so the built-in sandbox at {} answers and every image "
                     + "is a placeholder. To go live, set MODELSCOPE_API_KEY and restart.", sandbox.baseUrl());
        } else {
            LOG.info("ModelScope at {} with model {}", modelScope.baseUrl(), modelScope.model());
        }
        List<ProviderMapping> mappings = List.of(new ModelScopeMapping(modelScope));
        ProviderCatalog providers = new ProviderCatalog(mappings);
        providers.require(defaultProvider, "application.properties", null);

        JdbcConnectionPool pool = JdbcConnectionPool.create(
                journalUrl.isBlank() ? "jdbc:h2:file:" + stateDirPath.resolve("journal") : journalUrl,
                journalUser, journalPassword);
        context.addService(new JournalPoolLifecycle(pool));
        JobJournal journal = new JobJournal(pool, Map.of("modelscope", modelScope.maxConcurrent()));

        context.getRegistry().bind("providers", providers);
        context.getRegistry().bind("journal", journal);
        context.getRegistry().bind("failedJobs", new FailedJobs(journal));
        context.getRegistry().bind("promptFileReader",
                new PromptFileReader(providers, defaultProvider, maxPromptFileBytes));
        context.getRegistry().bind("promptFiles",
                new PromptFiles(inboxDir, heldDir, folder(archive), folder(failed), journal));
        context.getRegistry().bind("taskProtocol", new TaskProtocol(providers, maxSubmitAttempts,
                Duration.ofSeconds(pollTimeoutSeconds), Duration.ofSeconds(notFoundGraceSeconds), firstPollDelayMillis,
                maxPollDelayMillis, retryAmbiguousSubmit));
        context.getRegistry().bind("outputWriter", new OutputWriter(folder(outbox), journal, providers));
    }

    /** Relative paths resolve against the working directory; every folder exists before a route starts. */
    private static Path folder(String setting) throws java.io.IOException {
        Path path = Path.of(setting).toAbsolutePath().normalize();
        Files.createDirectories(path);
        return path;
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

    /** Closes the journal's connections after the routes have stopped. */
    private static final class JournalPoolLifecycle extends ServiceSupport {
        private final JdbcConnectionPool pool;

        JournalPoolLifecycle(JdbcConnectionPool pool) {
            this.pool = pool;
        }

        @Override
        protected void doStop() {
            pool.dispose();
        }
    }
}
