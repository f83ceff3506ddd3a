package io.github.esdb.test;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for localhost, written as PEM files, made at test time.
 *
 * @param certificate the certificate PEM file (also usable as the CA file)
 * @param privateKey the private key PEM file
 */
public record SelfSignedCertificate(Path certificate, Path privateKey) {

	/**
	 * Create a certificate for localhost and 127.0.0.1 in a folder.
	 * @param dir the folder
	 * @return the files
	 */
	public static SelfSignedCertificate create(Path dir) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair keys = generator.generateKeyPair();
			X500Name name = new X500Name("CN=localhost");
			Instant now = Instant.now();
			JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
					Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), name,
					keys.getPublic());
			builder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
							new GeneralName(GeneralName.iPAddress, "127.0.0.1") }));
			X509Certificate certificate = new JcaX509CertificateConverter()
				.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
			Path certFile = dir.resolve("localhost.crt");
			Path keyFile = dir.resolve("localhost.key");
			Files.writeString(certFile, pem(certificate));
			Files.writeString(keyFile, pem(keys.getPrivate()));
			return new SelfSignedCertificate(certFile, keyFile);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Cannot create a self-signed certificate", ex);
		}
	}

	private static String pem(Object object) throws IOException {
		StringWriter out = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
			writer.writeObject(object);
		}
		return out.toString();
	}

}
