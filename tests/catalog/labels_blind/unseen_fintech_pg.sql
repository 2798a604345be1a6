-- Synthetic "unseen" schema for the blind labelling set: an English fintech app (PostgreSQL),
-- camelCase quoted identifiers, no comments. Written by hand; not taken from any project.

CREATE TABLE "customers" (
  "id" uuid PRIMARY KEY,
  "firstName" text NOT NULL,
  "middleName" text,
  "lastName" text NOT NULL,
  "preferredName" text,
  "dateOfBirth" date,
  "ssnLast4" char(4),
  "taxId" text,
  "passportNumber" text,
  "driverLicenseNumber" text,
  "emailAddress" text,
  "mobileNumber" text,
  "homeAddressLine1" text,
  "homeAddressLine2" text,
  "city" text,
  "stateCode" char(2),
  "postalCode" text,
  "countryCode" char(2),
  "selfieUrl" text,
  "idDocumentFrontUrl" text,
  "annualIncome" numeric(14,2),
  "employerName" text,
  "kycStatus" text,
  "riskScore" numeric(5,2),
  "isPep" boolean,
  "createdAt" timestamptz,
  "updatedAt" timestamptz
);

CREATE TABLE "accounts" (
  "id" uuid PRIMARY KEY,
  "customerId" uuid REFERENCES "customers"("id"),
  "accountNumber" text,
  "routingNumber" text,
  "iban" text,
  "nickname" text,
  "availableBalance" numeric(14,2),
  "ledgerBalance" numeric(14,2),
  "overdraftLimit" numeric(14,2),
  "currency" char(3),
  "status" text,
  "openedAt" timestamptz
);

CREATE TABLE "cards" (
  "id" uuid PRIMARY KEY,
  "accountId" uuid,
  "cardNumber" text,
  "cardholderName" text,
  "expiryMonth" smallint,
  "expiryYear" smallint,
  "cvv" text,
  "pinHash" text,
  "cardBrand" text,
  "issuedAt" timestamptz
);

CREATE TABLE "payments" (
  "id" uuid PRIMARY KEY,
  "fromAccountId" uuid,
  "toAccountId" uuid,
  "amount" numeric(14,2),
  "fee" numeric(10,2),
  "currency" char(3),
  "description" text,
  "merchantName" text,
  "merchantCategoryCode" char(4),
  "status" text,
  "initiatedIp" inet,
  "userAgent" text,
  "deviceFingerprint" text,
  "geoLat" double precision,
  "geoLng" double precision,
  "createdAt" timestamptz
);

CREATE TABLE "loans" (
  "id" uuid PRIMARY KEY,
  "customerId" uuid,
  "principalAmount" numeric(14,2),
  "outstandingBalance" numeric(14,2),
  "interestRate" numeric(6,4),
  "termMonths" integer,
  "daysPastDue" integer,
  "nextDueDate" date,
  "creditScore" integer,
  "bureauReport" jsonb
);

CREATE TABLE "sessions" (
  "id" uuid PRIMARY KEY,
  "userId" uuid,
  "refreshToken" text,
  "ipAddress" inet,
  "userAgent" text,
  "requestId" uuid,
  "expiresAt" timestamptz
);

CREATE TABLE "apiClients" (
  "id" uuid PRIMARY KEY,
  "clientName" text,
  "displayName" text,
  "clientId" text,
  "clientSecret" text,
  "publicKey" text,
  "webhookUrl" text,
  "ownerEmail" text
);

CREATE TABLE "products" (
  "id" uuid PRIMARY KEY,
  "productName" text,
  "minAmount" numeric(14,2),
  "maxAmount" numeric(14,2),
  "aprMin" numeric(6,4),
  "aprMax" numeric(6,4),
  "supportPhone" text,
  "supportEmail" text,
  "hqAddress" text
);

CREATE TABLE "auditEvents" (
  "id" bigserial PRIMARY KEY,
  "actorId" uuid,
  "action" text,
  "targetType" text,
  "targetId" text,
  "ip" inet,
  "correlationToken" uuid,
  "occurredAt" timestamptz
);

CREATE TABLE "exchangeRates" (
  "baseCurrency" char(3),
  "quoteCurrency" char(3),
  "rate" numeric(18,8),
  "asOf" date
);

CREATE TABLE "branches" (
  "id" uuid PRIMARY KEY,
  "branchName" text,
  "street" text,
  "city" text,
  "postalCode" text,
  "phone" text,
  "managerStaffId" uuid
);
