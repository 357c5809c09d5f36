H# The role Pinecone assumes to use the customer-managed encryption key.

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "pinecone_trust" {
  statement {
    sid     = "AllowPineconeToAssumeIntoRoleFromExplicitRegionswithID"
    actions = ["sts:AssumeRole"]

    principals {
      type = "AWS"
      identifiers = [
        "arn:aws:iam::${var.pinecone_account_id}:role/pinecone_cmek_access_us-east-1",
        "arn:aws:iam::${var.pinecone_account_id}:role/pinecone_cmek_access_us-west-2",
        "arn:aws:iam::XXXXXXXXXXXX:role/pinecone_cmek_access_eu-west-1",
      ]
    }

    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.external_id]
    }
  }
}

resource "aws_iam_role" "pinecone_cmek" {
  name               = "pinecone-cmek"
  description        = "Assumed by Pinecone to use the CMEK"
  assume_role_policy = data.aws_iam_policy_document.pinecone_trust.json
}

resource "aws_iam_role_policy" "pinecone_cmek_key" {
  name = "pinecone-cmek-key-access"
  role = aws_iam_role.pinecone_cmek.id
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "UseTheCmek",
          "Effect": "Allow",
          "Action": ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
          "Resource": "${aws_kms_key.pinecone_cmek.arn}",
        }
      ]
    }
  EOT
}
