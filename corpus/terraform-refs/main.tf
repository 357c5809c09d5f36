data "aws_caller_identity" "current" {}

variable "key_admin_role_arn" {
  description = "The role that administers the key"
  type        = string
  default     = "arn:aws:iam::<account_id>:role/key-admin"
}

locals {
  pinecone_role_prefix = "arn:aws:iam::${var.pinecone_account_id}:role/pinecone_cmek_access_"
}

resource "aws_iam_role" "pinecone_cmek" {
  name = "pinecone-cmek"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "AllowPineconeToAssumeIntoRoleFromExplicitRegionswithID"
      Effect = "Allow"
      Principal = {
        AWS = ["${local.pinecone_role_prefix}us-east-1", "${local.pinecone_role_prefix}us-west-2"]
      }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}

resource "aws_kms_key" "pinecone_cmek" {
  description         = "Pinecone CMEK"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EnableIamUserPermissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "KeyAdministrators"
        Effect    = "Allow"
        Principal = { AWS = var.key_admin_role_arn }
        Action    = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
        Resource  = "*"
      },
      {
        Sid       = "AllowPineconeUseOfTheKey"
        Effect    = "Allow"
        Principal = { AWS = aws_iam_role.pinecone_cmek.arn }
        Action    = ["kms:Encrypt", "kms:Decrypt"]
        Resource  = "*"
      },
    ]
  })
}
