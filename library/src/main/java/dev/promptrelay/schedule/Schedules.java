package dev.promptrelay.schedule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

import dev.promptrelay.journal.ScheduleFires;
import dev.promptrelay.output.FileNames;
import dev.promptrelay.prompt.PromptFileReader;
import dev.promptrelay.prompt.PromptFiles;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scheduled generation. Each fire becomes a prompt file, held and journaled at once, so a scheduled job is
 * checked, retried and reported exactly like a dropped one; a schedule's fires share one folder in the outbox, the
 * archive and failed/. A route per schedule comes from the {@code scheduled-prompt}
 * template once Camel has started; a fire missed while promptrelay was down is made up once, not once per miss.
 */
public class Schedules implements StartupListener {

    static final String PREFIX = "promptrelay.schedules.";
    private static final Logger LOG = LoggerFactory.getLogger(Schedules.class);
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH-mm-ss");

    private final List<Schedule> schedules;
    private final PromptFiles promptFiles;
    private final PromptFileReader reader;
    private final ScheduleFires journal;

    public Schedules(List<Schedule> schedules, PromptFiles promptFiles, PromptFileReader reader, ScheduleFires journal) {
        this.schedules = schedules;
        this.promptFiles = promptFiles;
        this.reader = reader;
        this.journal = journal;
    }

    /** Reads every {@code promptrelay.schedules.<name>.*} setting; a mistake stops the start with its setting named. */
    public static List<Schedule> fromSettings(Properties settings) {
        TreeSet<String> names = new TreeSet<>();
        for (String key : settings.stringPropertyNames()) {
            if (key.startsWith(PREFIX) && key.indexOf('.', PREFIX.length()) > 0) {
                names.add(key.substring(PREFIX.length(), key.indexOf('.', PREFIX.length())));
            }
        }
        List<Schedule> schedules = new ArrayList<>();
        for (String name : names) {
            String prefix = PREFIX + name + ".";
            String cron = settings.getProperty(prefix + "cron", "").strip();
            String prompt = settings.getProperty(prefix + "prompt", "").strip();
            String promptFile = settings.getProperty(prefix + "prompt-file", "").strip();
            if (!name.matches("[A-Za-z0-9_-]+")) {
                throw new IllegalStateException("schedule name '" + name + "' in " + prefix + "*: use letters, digits, - and _");
            }
            if (!CronExpression.isValidExpression(cron)) {
                throw new IllegalStateException(prefix + "cron is '" + cron + "', not a Quartz cron expression "
                                                + "(seconds first, e.g. 0 0 9 * * ? for 09:00 every day)");
            }
            if (prompt.isEmpty() == promptFile.isEmpty()) {
                throw new IllegalStateException("schedule " + name + " needs exactly one of " + prefix + "prompt and "
                                                + prefix + "prompt-file");
            }
            Path file = null;
            if (!promptFile.isEmpty()) {
                file = Path.of(promptFile).toAbsolutePath().normalize();
                if (!PromptFileReader.FORMATS.contains(FileNames.lowerCaseExtension(file.getFileName().toString()))) {
                    throw new IllegalStateException(prefix + "prompt-file " + file + " is not a prompt file ("
                                                    + String.join(", ", PromptFileReader.FORMATS) + ")");
                }
            }
            String misfire = settings.getProperty(prefix + "misfire", "run-once").strip();
            if (!misfire.equals("run-once") && !misfire.equals("skip")) {
                throw new IllegalStateException(prefix + "misfire is '" + misfire + "': use run-once or skip");
            }
            schedules.add(new Schedule(name, cron, prompt.isEmpty() ? null : prompt, file,
                    settings.getProperty(prefix + "name", "{schedule}-{date}-{time}").strip(), misfire.equals("run-once")));
        }
        return schedules;
    }

    public List<Schedule> all() {
        return schedules;
    }

    /**
     * One fire: the schedule's prompts, variables filled in, held and journaled as a prompt file of its own whose
     * outputs, summary and archived copy go to the schedule's folder ({@code outbox/<schedule>/}, ...).
     */
    public String fire(String name, Date scheduledAt) throws IOException {
        Schedule schedule = schedules.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no schedule " + name));
        Instant tick = scheduledAt != null ? scheduledAt.toInstant() : Instant.now();
        // every node on one journal runs the schedule: the one that claims the tick takes it in, once
        if (!journal.claimFire(name, tick)) {
            LOG.debug("schedule {}: the fire of {} was taken in by another node", name, tick);
            return null;
        }
        ZonedDateTime now = ZonedDateTime.now();
        String content;
        String extension;
        if (schedule.prompt() != null) {
            content = schedule.prompt();
            extension = "txt";
        } else {
            if (!Files.isRegularFile(schedule.promptFile())) {
                throw new IOException("schedule " + name + ": the prompt file " + schedule.promptFile()
                                      + " does not exist; fix " + PREFIX + name + ".prompt-file");
            }
            content = Files.readString(schedule.promptFile(), StandardCharsets.UTF_8);
            extension = FileNames.lowerCaseExtension(schedule.promptFile().getFileName().toString());
        }
        String fileName = FileNames.safe(fill(schedule.outputName(), name, now), name) + "." + extension;
        promptFiles.acceptMade(fileName, fill(content, name, now).getBytes(StandardCharsets.UTF_8), name, reader);
        LOG.info("schedule {}: {} taken in; its outputs go to the schedule's folder", name, fileName);
        return fileName;
    }

    /** {schedule}, {date} and {time} in a prompt or a name. */
    static String fill(String text, String name, ZonedDateTime at) {
        return text.replace("{schedule}", name).replace("{date}", at.format(DATE)).replace("{time}", at.format(TIME));
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // the routes come once every route of the application runs: see onCamelContextFullyStarted
    }

    /** Routes from the template, then the fires missed while promptrelay was down, made up once each. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        for (Schedule schedule : schedules) {
            context.addRouteFromTemplate("schedule-" + schedule.name(), "scheduled-prompt",
                    Map.of("schedule", schedule.name(), "cron", schedule.cron().replace(' ', '+')));
            Instant missed = schedule.catchUp() ? missedSince(schedule, journal.lastFire(schedule.name()), Instant.now())
                    : null;
            if (missed != null) {
                LOG.info("schedule {}: a fire was missed while promptrelay was down; running it once now", schedule.name());
                fire(schedule.name(), Date.from(missed));
            }
        }
        if (!schedules.isEmpty()) {
            LOG.info("{} schedule(s): {}", schedules.size(), schedules.stream()
                    .map(s -> s.name() + " (" + s.cron() + ")").toList());
        }
    }

    /**
     * The latest fire the cron wanted between the last one and now (the tick to make up), or null; never for a
     * schedule that has not fired yet.
     */
    static Instant missedSince(Schedule schedule, Instant lastFire, Instant now) {
        if (lastFire == null) {
            return null;
        }
        try {
            CronExpression cron = new CronExpression(schedule.cron());
            cron.setTimeZone(java.util.TimeZone.getTimeZone(ZoneId.systemDefault()));
            Date first = cron.getNextValidTimeAfter(Date.from(lastFire));
            if (first == null || !first.toInstant().isBefore(now.minusSeconds(1))) {
                return null;
            }
            // the latest tick before now, looked for over the last two days at most (a fast cron after a long stop)
            Instant missed = first.toInstant();
            Instant from = lastFire.isAfter(now.minus(java.time.Duration.ofDays(2))) ? lastFire
                    : now.minus(java.time.Duration.ofDays(2));
            for (Date next = cron.getNextValidTimeAfter(Date.from(from));
                 next != null && next.toInstant().isBefore(now.minusSeconds(1)); next = cron.getNextValidTimeAfter(next)) {
                missed = next.toInstant();
            }
            return missed;
        } catch (ParseException e) {
            throw new IllegalStateException("invalid cron " + schedule.cron(), e);
        }
    }
}
