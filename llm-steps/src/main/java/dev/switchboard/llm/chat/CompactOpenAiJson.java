package dev.switchboard.llm.chat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request bodies without indentation. LangChain4j's OpenAI client writes every request with one
 * indenting {@code ObjectMapper} (its {@code internal.Json}, indented for its request logs): at hundreds
 * of calls in flight the indentation was about a seventh of the step's CPU (docs/BENCHMARKS.md), and
 * a server reads the same JSON without it. The mapper is reached by reflection, once, before the first
 * client is built; if a LangChain4j version moves it, requests stay indented and nothing else changes.
 */
final class CompactOpenAiJson {

    private static final Logger LOG = LoggerFactory.getLogger(CompactOpenAiJson.class);
    private static final String HOLDER = "dev.langchain4j.model.openai.internal.Json";

    private CompactOpenAiJson() {
    }

    /** Turns the indentation off; true when it was found. Calling it again changes nothing. */
    static boolean apply() {
        try {
            Field field = Class.forName(HOLDER, true, CompactOpenAiJson.class.getClassLoader()).getDeclaredField("OBJECT_MAPPER");
            field.setAccessible(true);
            if (field.get(null) instanceof ObjectMapper mapper) {
                mapper.disable(SerializationFeature.INDENT_OUTPUT);
                return true;
            }
            LOG.debug("{}.OBJECT_MAPPER is not an ObjectMapper; OpenAI requests stay indented", HOLDER);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("LangChain4j's request mapper not found ({}); OpenAI requests stay indented", e.toString());
        }
        return false;
    }
}
