H# The customer-managed key Pinecone encrypts project data with.

resource "aws_kms_key" "pinecone_cmek" {
  description                        = "Pinecone CMEK"
  customer_master_key_spec           = "SYMMETRIC_DEFAULT"
  key_usage                          = "ENCRYPT_DECRYPT"
  multi_region                       = false
  enable_key_rotation                = true
  deletion_window_in_days            = 30
  bypass_policy_lockout_safety_check = true

  policy = jsonencode({
    Version = "2012-10-17"
    Id      = "pinecone-cmek-key-policy"
    Statement = [
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "Allow use of the key by Pinecone"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.pinecone_cmek.arn }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_alias" "pinecone_cmek" {
  name          = "alias/pinecone-cmek"
  target_key_id = aws_kms_key.pinecone_cmek.key_id
}

# A second key whose policy is kept in its own file.
resource "aws_kms_key" "pinecone_cmek_eu" {
  provider            = aws.eu
  description         = "Pinecone CMEK (eu-west-1)"
  enable_key_rotation = true
}

resource "aws_kms_key_policy" "pinecone_cmek_eu" {
  key_id = aws_kms_key.pinecone_cmek_eu.id
  policy = file("${path.module}/policies/key-policy-eu.json")
}
