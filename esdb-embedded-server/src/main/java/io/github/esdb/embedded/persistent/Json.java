package io.github.esdb.embedded.persistent;

import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The package's shared JSON mapper (thread safe once configured). */
final class Json {

	static final ObjectMapper MAPPER = new ObjectMapper();

	private Json() {
	}

	static ObjectNode object() {
		return MAPPER.createObjectNode();
	}

	static byte[] bytes(Object value) {
		try {
			return MAPPER.writeValueAsBytes(value);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Parses JSON, returning null for anything unreadable: system streams may hold foreign data. */
	static JsonNode parse(byte[] data) {
		try {
			return MAPPER.readTree(data);
		}
		catch (IOException ex) {
			return null;
		}
	}

}
