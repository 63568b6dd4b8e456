-- The survey tables of the first schema were never written to: they are replaced by the
-- question bank (Question), surveys that list its questions, and an append-only answer log.
DROP TABLE "SurveyAnswer";
DROP TABLE "SurveyQuestion";
DROP TABLE "Survey";
DROP TYPE "QuestionType";
DROP TYPE "SurveyTrigger";

ALTER TABLE "Customer" ADD COLUMN     "children" SMALLINT,
ADD COLUMN     "familyStatus" TEXT,
ADD COLUMN     "healthConsentAt" TIMESTAMP(3),
ADD COLUMN     "healthConsentDeclinedAt" TIMESTAMP(3),
ADD COLUMN     "healthConsentVersion" TEXT,
ADD COLUMN     "openQuestion" JSONB,
ADD COLUMN     "questionSkips" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "questionsEnabled" BOOLEAN NOT NULL DEFAULT true;

ALTER TABLE "Purchase" ADD COLUMN     "feedbackRequestedAt" TIMESTAMP(3);

ALTER TABLE "StaffMember" ADD COLUMN     "receivesFeedback" BOOLEAN NOT NULL DEFAULT false;

CREATE INDEX "Customer_lastQuestionAskedAt_idx" ON "Customer"("lastQuestionAskedAt");

CREATE TYPE "QuestionType" AS ENUM ('TEXT', 'NUMBER', 'DATE', 'SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'YES_NO', 'RATING', 'NPS', 'PHONE', 'EMAIL');

CREATE TYPE "FeedbackStatus" AS ENUM ('OPEN', 'CLOSED');

CREATE TABLE "Question" (
    "id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "type" "QuestionType" NOT NULL,
    "text" JSONB NOT NULL,
    "options" JSONB NOT NULL DEFAULT '[]',
    "min" DOUBLE PRECISION,
    "max" DOUBLE PRECISION,
    "required" BOOLEAN NOT NULL DEFAULT false,
    "priority" INTEGER NOT NULL DEFAULT 50,
    "condition" JSONB,
    "category" TEXT,
    "progressive" BOOLEAN NOT NULL DEFAULT true,
    "pack" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Question_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Survey" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "title" JSONB NOT NULL,
    "eventType" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Survey_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "SurveyQuestion" (
    "surveyId" UUID NOT NULL,
    "questionId" UUID NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "SurveyQuestion_pkey" PRIMARY KEY ("surveyId","questionId")
);

CREATE TABLE "SurveyRun" (
    "surveyId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "SurveyRun_pkey" PRIMARY KEY ("surveyId","customerId")
);

CREATE TABLE "SurveyAnswer" (
    "id" UUID NOT NULL,
    "questionId" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "surveyId" UUID,
    "purchaseId" UUID,
    "value" JSONB NOT NULL,
    "source" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SurveyAnswer_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Feedback" (
    "id" UUID NOT NULL,
    "customerId" UUID NOT NULL,
    "purchaseId" UUID,
    "scale" TEXT NOT NULL,
    "score" SMALLINT NOT NULL,
    "comment" TEXT,
    "status" "FeedbackStatus",
    "answer" TEXT,
    "answeredById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Feedback_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "Question_key_key" ON "Question"("key");

CREATE INDEX "Question_active_priority_idx" ON "Question"("active", "priority");

CREATE UNIQUE INDEX "Survey_slug_key" ON "Survey"("slug");

CREATE INDEX "SurveyQuestion_questionId_idx" ON "SurveyQuestion"("questionId");

CREATE INDEX "SurveyAnswer_customerId_questionId_createdAt_idx" ON "SurveyAnswer"("customerId", "questionId", "createdAt");

CREATE INDEX "SurveyAnswer_questionId_createdAt_idx" ON "SurveyAnswer"("questionId", "createdAt");

CREATE INDEX "SurveyAnswer_surveyId_idx" ON "SurveyAnswer"("surveyId");

CREATE UNIQUE INDEX "Feedback_purchaseId_key" ON "Feedback"("purchaseId");

CREATE INDEX "Feedback_status_createdAt_idx" ON "Feedback"("status", "createdAt");

CREATE INDEX "Feedback_createdAt_idx" ON "Feedback"("createdAt");

ALTER TABLE "SurveyQuestion" ADD CONSTRAINT "SurveyQuestion_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SurveyQuestion" ADD CONSTRAINT "SurveyQuestion_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "Question"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SurveyRun" ADD CONSTRAINT "SurveyRun_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SurveyRun" ADD CONSTRAINT "SurveyRun_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_questionId_fkey" FOREIGN KEY ("questionId") REFERENCES "Question"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_surveyId_fkey" FOREIGN KEY ("surveyId") REFERENCES "Survey"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "SurveyAnswer" ADD CONSTRAINT "SurveyAnswer_purchaseId_fkey" FOREIGN KEY ("purchaseId") REFERENCES "Purchase"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "Feedback" ADD CONSTRAINT "Feedback_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "Feedback" ADD CONSTRAINT "Feedback_purchaseId_fkey" FOREIGN KEY ("purchaseId") REFERENCES "Purchase"("id") ON DELETE SET NULL ON UPDATE CASCADE;

ALTER TABLE "Feedback" ADD CONSTRAINT "Feedback_answeredById_fkey" FOREIGN KEY ("answeredById") REFERENCES "StaffMember"("id") ON DELETE SET NULL ON UPDATE CASCADE;
