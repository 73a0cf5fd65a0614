package sample.camel;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The posters this application had made: promptrelay's reply for each.
 */
@Component
public class Posters {

    private static final Logger LOG = LoggerFactory.getLogger(Posters.class);

    private final List<Map<String, Object>> made = new CopyOnWriteArrayList<>();

    public Map<String, Object> made(Map<String, Object> reply) {
        made.add(reply);
        LOG.info("Poster {}: {}", reply.get("state"), reply.get("outputs"));
        return reply;
    }

    public List<Map<String, Object>> all() {
        return List.copyOf(made);
    }
}
