package io.github.esdb.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A self-signed certificate for localhost / 127.0.0.1, generated at test time and written as PEM files. */
record SelfSignedCertificate(Path certificate, Path privateKey) {

	static SelfSignedCertificate create(Path directory) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			KeyPair keyPair = generator.generateKeyPair();
			X500Name name = new X500Name("CN=localhost");
			Instant now = Instant.now();
			JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
					Date.from(now.minus(1, ChronoUnit.DAYS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name,
					keyPair.getPublic());
			builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
			builder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
							new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
			X509CertificateHolder holder = builder
				.build(new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate()));
			Path certificate = directory.resolve("server.crt");
			Path key = directory.resolve("server.key");
			try (Writer writer = Files.newBufferedWriter(certificate); JcaPEMWriter pem = new JcaPEMWriter(writer)) {
				pem.writeObject(holder);
			}
			try (Writer writer = Files.newBufferedWriter(key); JcaPEMWriter pem = new JcaPEMWriter(writer)) {
				pem.writeObject(new JcaPKCS8Generator(keyPair.getPrivate(), null));
			}
			return new SelfSignedCertificate(certificate, key);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot create a test certificate", ex);
		}
	}

}
